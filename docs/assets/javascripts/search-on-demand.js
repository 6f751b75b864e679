// Material's search downloads its index (search/search_index.json, about half
// of a page's bytes) and starts its search worker as the page loads, whether
// or not the reader ever searches. This script, inlined at the top of every
// page (sitebuild/hooks/search_on_demand.py) so that it runs before
// Material's bundle, holds both back until the reader shows they want to
// search: the pointer over the search box or its icon, focus in the box (a
// click, or the keyboard shortcut), or an address that asks for a search (?q=)
// or a highlight (?h=). Search then works as before.
(() => {
  "use strict";

  const INDEX = /\/search\/search_index\.json$/;
  const WORKER = /\/assets\/javascripts\/workers\/search\.[\w]+\.min\.js$/;
  const SEARCH = '.md-search, label[for="__search"]';
  const path = (url) => new URL(String(url), location.href).pathname;
  let wanted = false,
    waiting = [];

  function want() {
    if (wanted) return;
    wanted = true;
    waiting.forEach((release) => {
      release();
    });
    waiting = [];
  }
  const whenWanted = (release) => (wanted ? release() : waiting.push(release));

  // The index request: sent when wanted.
  const { open, send } = XMLHttpRequest.prototype;
  const held = new WeakSet();
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (INDEX.test(path(url))) held.add(this);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...body) {
    if (!held.has(this)) return send.apply(this, body);
    whenWanted(() => send.apply(this, body));
  };

  // The search worker: a stand-in that keeps Material's messages, and starts the real worker when wanted.
  const RealWorker = window.Worker;
  class SearchWorker extends EventTarget {
    constructor(url, options) {
      super();
      const queue = [];
      this.postMessage = (message) => queue.push(message);
      whenWanted(() => {
        const worker = new RealWorker(url, options);
        worker.onmessage = ({ data }) => this.dispatchEvent(new MessageEvent("message", { data }));
        worker.onerror = (event) => this.dispatchEvent(new ErrorEvent("error", { message: event.message }));
        this.postMessage = (message) => worker.postMessage(message);
        queue.forEach(this.postMessage);
      });
    }
  }
  window.Worker = function Worker(url, options) {
    return WORKER.test(path(url)) ? new SearchWorker(url, options) : new RealWorker(url, options);
  };
  window.Worker.prototype = RealWorker.prototype;

  const params = new URLSearchParams(location.search);
  if (params.has("q") || params.has("h")) want();
  const searchy = (event) => event.target instanceof Element && event.target.closest(SEARCH) && want();
  for (const type of ["pointerover", "focusin", "touchstart"])
    document.addEventListener(type, searchy, { capture: true, passive: true });
  document.addEventListener("change", (event) => event.target.id === "__search" && want(), { capture: true });
})();

// Small interactive figures. A page asks for one with
//   <div class="mg-widget" data-widget="NAME"></div>
// Whatever the div holds (a table, say) is for readers without JavaScript:
// mounting the widget replaces it.
// Each widget draws the numbers of widgets/NAME.json, which the build computed
// with the package, or asks the package itself, running in the tab
// (MicroGPT.askModel, through microgpt.live). This file holds what every
// widget shares (window.MicroGPT) and mounts them; each widget lives in the
// file of the chapter that introduces it, widgets/stepN.js, and registers
// itself as MicroGPT.widgets[NAME]: it draws and handles input. A page loads
// only the files of its own widgets (sitebuild/hooks/widget_scripts.py adds their
// script tags after this one). Only what depends on the reader's input is
// computed here (the tokens of a typed name, the softmax of typed logits, the
// secant of 1.6); tests/site checks those against the package.
(() => {
  "use strict";

  const script = document.currentScript;
  const siteRoot = script ? script.src.replace(/assets\/javascripts\/widgets\.js.*$/, "") : "/";
  const data = (name) =>
    fetch(`${siteRoot}widgets/${name}.json`).then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    });
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    });
    children.forEach((c) => {
      node.append(c);
    });
    return node;
  }

  function error(text) {
    return el("p", { class: "mg-error", text: text });
  }

  // Draw a widget from its data file, or say visibly that the file did not load.
  // `drawing` counts the files still on their way: a page has drawn its figures when it
  // is 0 (MicroGPT.drawing(); the browser checks of tests/site wait for that).
  let drawing = 0;
  function withData(root, name, draw) {
    drawing += 1;
    data(name)
      .then((values) => draw(values))
      .catch((reason) => {
        root.append(
          error(
            "This figure could not load its data (widgets/" +
              name +
              ".json: " +
              reason.message +
              "). Reload the page; if the error stays, the site was built without it.",
          ),
        );
      })
      .finally(() => {
        drawing -= 1;
      });
  }

  // A question to microgpt.live about a trained model the site ships
  // (widgets/model-STEP.json, fetched once a page): MicroGPT.python.call(name, model, ...args).
  const models = {};
  function askModel(step, name, ...args) {
    models[step] ??= data(`model-${step}`);
    return models[step].then(
      (model) => MicroGPT.python.call(name, model, ...args),
      (reason) => {
        delete models[step]; // fetched again on the next question
        return { ok: false, message: `widgets/model-${step}.json could not load (${reason.message}); try again.` };
      },
    );
  }

  // An SVG element with these attributes (and text), appended to parent; returned.
  function svgChild(parent, tag, attrs, text) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.entries(attrs).forEach(([k, v]) => {
      node.setAttribute(k, v);
    });
    if (text !== undefined) node.textContent = text;
    parent.append(node);
    return node;
  }

  function svgElement(width, height, className) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("class", className);
    return svg;
  }

  function softmax(logits) {
    const biggest = Math.max(...logits);
    const exps = logits.map((v) => Math.exp(v - biggest));
    const total = exps.reduce((a, b) => a + b, 0);
    return exps.map((e) => e / total);
  }

  // A horizontal bar per value, labelled, with the value printed.
  function bars(values, labels, digits) {
    const biggest = Math.max(...values, 1e-12);
    const table = el("div", { class: "mg-bars" });
    values.forEach((v, i) => {
      const bar = el("span", { class: "mg-bar" });
      bar.style.width = `${(100 * v) / biggest}%`;
      table.append(
        el("span", { class: "mg-bar-label", text: labels[i] }),
        el("span", { class: "mg-bar-track" }, bar),
        el("span", { class: "mg-bar-value", text: v.toFixed(digits) }),
      );
    });
    return table;
  }

  // What a reader set (a typed name, a slider), kept in the page's URL so that a
  // link shows the same figure: ?KEY=VALUE, one key per widget setting.
  // Numbers are read strictly, in decimal only: "0x10", "1e999", "", " 7" or "12abc" are no numbers.
  const WHOLE = /^[+-]?\d{1,15}$/,
    DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  // The whole number a reader typed (or an address holds), or null.
  const wholeNumber = (text) => (text !== null && WHOLE.test(text.trim()) ? Number(text.trim()) : null);
  // The finite decimal number a reader typed (or an address holds), or null.
  const decimal = (text) => {
    const value = text !== null && DECIMAL.test(text.trim()) ? Number(text.trim()) : null;
    return Number.isFinite(value) ? value : null;
  };
  const within = (value, lo, hi) => (value !== null && value >= lo && value <= hi ? value : null);
  const state = {
    get: (key) => new URLSearchParams(location.search).get(key),
    // The address's whole number for `key` if it lies in [lo, hi], else null.
    integer(key, lo = -Infinity, hi = Infinity) {
      return within(wholeNumber(this.get(key)), lo, hi);
    },
    // The address's decimal number for `key` if it lies in [lo, hi], else null.
    number(key, lo = -Infinity, hi = Infinity) {
      return within(decimal(this.get(key)), lo, hi);
    },
    set(key, value) {
      const url = new URL(location.href);
      url.searchParams.set(key, value);
      history.replaceState(history.state, "", url);
    },
  };

  const widgets = {};

  // Draw the widget that `root` asks for (a .mg-widget div), reading the address as it is now.
  // Public so that a widget can be mounted afresh without a page load: the browser checks of
  // tests/site mount copies under other addresses.
  function mount(root) {
    const make = widgets[root.dataset.widget];
    root.dataset.mounted = "true";
    root.replaceChildren(); // what a widget holds on the page is for readers without JavaScript
    if (make) make(root);
    else root.append(error(`Unknown widget: ${root.dataset.widget}`));
  }

  window.MicroGPT = Object.assign(window.MicroGPT || {}, {
    widgets,
    mount,
    drawing: () => drawing,
    askModel,
    el,
    error,
    withData,
    svgElement,
    svgChild,
    softmax,
    bars,
    plural,
    state,
    wholeNumber,
    decimal,
    siteRoot,
  });

  const mountAll = () => document.querySelectorAll(".mg-widget[data-widget]:not([data-mounted])").forEach(mount);
  // After the widget files below this one have registered themselves.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else setTimeout(mountAll);
})();

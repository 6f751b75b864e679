// MicroGPT.python: the real microgpt package, running in this tab.
// One Web Worker (python-worker.js) per tab, shared by every "Try it" block
// and panel of the page. It starts at the first sign that the reader means to
// run something (the pointer over, or focus on, Run, Edit or a button that
// runs Python), so that Python is mostly up by the click; or at the first run(),
// call() or train(). Nothing of Pyodide is downloaded before that.
//   run(code, {onOutput})                  -> Promise<{ok, seconds}>
//   call(name, ...args)                    -> Promise<{ok, value | message}>: microgpt.live.NAME(*args),
//               for a widget; args and value are JSON-ready (objects become dicts and back)
//   train(settings, {onOutput, onSteps, onCheck}) -> Promise<{ok, stopped, result | message}>; onSteps(points,
//               window): [step, loss, mean of the last `window` losses] for each new step; onCheck(done, total):
//               forward passes of Step 1's gradient check (settings.check_gradient) done so far
//   stop()      a training run stops after its current step; any other code is
//               interrupted (cross-origin isolated pages) or the worker is restarted
//               at once, and the reader is told the session was reset.
//   started(), ready()  whether the worker was started; whether Python is up in it
//   onStatus(listener)  calls listener({state: "loading", phase, loaded, total, seconds} | {state: "ready", seconds,
//               python, fromSnapshot} (Python restored from an earlier page's snapshot, or started afresh)
//               | {state: "failed", message} | {state: "reset"}); returns a function that unsubscribes
(() => {
  "use strict";

  const script = document.currentScript;
  const siteRoot = script ? new URL("../../", script.src).href : new URL("/", location.href).href;
  const STOP_GRACE_MS = 1000; // a run that can stop in place gets this long before Stop restarts the worker
  const CLOCK_MS = 250; // while Python starts, the loading status is sent again this often, its clock moving
  let worker = null,
    ready = null,
    isReady = false,
    interrupt = null,
    nextId = 1;
  const pending = new Map(); // id -> {resolve, handlers}
  const listeners = new Set();
  const status = (value) =>
    listeners.forEach((listener) => {
      listener(value);
    });

  function fail(message, extra) {
    pending.forEach(({ resolve }) => {
      resolve({ ok: false, message, ...extra });
    });
    pending.clear();
  }

  function startWorker() {
    worker = new Worker(`${siteRoot}assets/javascripts/python-worker.js`);
    const started = performance.now();
    let loading = { state: "loading", phase: "starting", loaded: 0, total: 0 };
    const tell = () => status({ ...loading, seconds: (performance.now() - started) / 1000 });
    const clock = setInterval(tell, CLOCK_MS);
    ready = new Promise((resolve, reject) => {
      worker.onerror = (event) => reject(new Error(event.message || "the Python worker could not start"));
      worker.onmessage = ({ data }) => {
        if (data.type === "progress") {
          loading = { state: "loading", phase: data.phase, loaded: data.loaded, total: data.total };
          tell();
        } else if (data.type === "ready") {
          interrupt = data.interrupt || null;
          isReady = true;
          status({ state: "ready", seconds: data.seconds, python: data.python, fromSnapshot: data.fromSnapshot });
          resolve(data);
        } else if (data.type === "failed" && !pending.has(data.id)) reject(new Error(data.message));
        else handle(data);
      };
    });
    ready.finally(() => clearInterval(clock)).catch(() => {});
    ready.catch((error) => {
      status({ state: "failed", message: error.message });
      fail(`Python could not start in this browser: ${error.message}`);
      worker.terminate();
      worker = null;
      isReady = false;
    });
    fetch(`${siteRoot}pyodide/runtime.json`)
      .then((response) => {
        if (!response.ok) throw new Error(`pyodide/runtime.json: HTTP ${response.status}`);
        return response.json();
      })
      .then((runtime) => {
        for (const key of ["pyodide", "wheel", "names"]) runtime[key] = new URL(runtime[key], siteRoot).href;
        worker.postMessage({ type: "start", runtime });
      })
      .catch((error) => worker.onerror({ message: error.message }));
    tell();
  }

  function handle(data) {
    const job = pending.get(data.id);
    if (!job) return;
    if (data.type === "output" && job.handlers.onOutput) job.handlers.onOutput(data.text, data.stream);
    else if (data.type === "step" && job.handlers.onSteps) job.handlers.onSteps(data.points, data.window);
    else if (data.type === "check" && job.handlers.onCheck) job.handlers.onCheck(data.done, data.total);
    else if (data.type === "done" || data.type === "failed") {
      pending.delete(data.id);
      if (data.fatal) {
        worker.terminate();
        worker = null;
        isReady = false;
        data.message = `Python crashed (${data.message}) and will start afresh at the next Run.`;
      }
      job.resolve(data);
    }
  }

  async function send(message, handlers) {
    if (!worker) startWorker();
    try {
      await ready;
    } catch (error) {
      return { ok: false, message: `Python could not start in this browser: ${error.message}` };
    }
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, { resolve, handlers: handlers || {}, type: message.type });
      worker.postMessage({ ...message, id });
    });
  }

  function stop() {
    if (!worker || pending.size === 0) return;
    worker.postMessage({ type: "stop" });
    if (interrupt) interrupt[0] = 2; // SIGINT: KeyboardInterrupt in the running code
    const busy = [...pending.keys()];
    // Only an interrupt (cross-origin isolated pages) or a training run, between two of its
    // steps, can end the code in place; anything else is restarted at once.
    const inPlace = interrupt || [...pending.values()].some((job) => job.type === "train");
    const wait = inPlace ? STOP_GRACE_MS : 0;
    setTimeout(() => {
      if (!busy.some((id) => pending.has(id))) return;
      worker.terminate(); // it did not stop by itself: start afresh
      worker = null;
      isReady = false;
      fail("Stopped. Python was restarted, so this page's earlier variables are gone.", { stopped: true, reset: true });
      status({ state: "reset" });
    }, wait);
  }

  // What shows the intent to run Python: the "Try it" buttons, and every widget button marked data-python.
  const RUNS_PYTHON = ".mg-run-bar button, [data-python]";
  const onIntent = (event) => {
    if (!worker && event.target instanceof Element && event.target.closest(RUNS_PYTHON)) startWorker();
  };
  for (const type of ["pointerover", "focusin", "touchstart"])
    document.addEventListener(type, onIntent, { capture: true, passive: true });

  window.MicroGPT = window.MicroGPT || {};
  window.MicroGPT.python = {
    run: (code, handlers) => send({ type: "run", code }, handlers),
    call: (name, ...args) => send({ type: "call", name, args }),
    train: (settings, handlers) => send({ type: "train", settings }, handlers),
    stop,
    busy: () => pending.size > 0,
    started: () => worker !== null,
    ready: () => isReady,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
})();

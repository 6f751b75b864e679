// The reader's Python: Pyodide in a Web Worker, one per tab, started by
// python.js on the first Run. Everything comes from this site: the runtime
// (pyodide/<version>/, copied from the npm package at build time), the
// microgpt wheel and names.txt (downloads/). Messages in:
//   {type: "start", runtime}             load everything, report progress
//   {type: "run", id, code}              run a reader's snippet
//   {type: "train", id, settings}        a live training run (microgpt.live.train)
//   {type: "call", id, name, args}       a widget's question: microgpt.live.NAME(*args), answered as data
//   {type: "stop"}                       ask a training run to stop after this step
// Messages out: progress, ready, failed, output, step, check (Step 1's gradient check advancing), done.
"use strict";

let pyodide = null;
let interrupt = null; // Uint8Array over a SharedArrayBuffer, when the page is cross-origin isolated

// What the runtime fetches (Pyodide's WebAssembly and standard library, the
// wheel, names.txt) is kept in Cache Storage, so that every later page of the
// site starts Python from disk, whatever caching headers the host sends. The
// cache's name carries the build's hash of those files (runtime.json), so a new
// deployment starts a new cache and the old ones are deleted. The response is
// handed on as it came (so the browser can compile the WebAssembly as it
// streams, and reuse its compiled code); a copy is read alongside to count
// the bytes for the progress bar.
const CACHE_PREFIX = "microgpt-python-";

async function openCache(version) {
  if (!self.caches) return null; // not a secure context (file:, or plain http to another host)
  try {
    const names = await caches.keys();
    const current = CACHE_PREFIX + version;
    await Promise.all(
      names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== current).map((name) => caches.delete(name)),
    );
    return await caches.open(current);
  } catch {
    return null; // storage refused (private mode, quota): download as usual
  }
}

const networkFetch = self.fetch.bind(self);

function cachingFetch(cache, report) {
  const count = async (response) => {
    const reader = response.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) report(chunk.value.byteLength);
  };
  return async (resource, options) => {
    const request = new Request(resource, options);
    const cached = request.method === "GET" && cache ? await cache.match(request) : undefined;
    const response = cached || (await networkFetch(request));
    if (!response.body) return response;
    const copies = [response.clone()];
    if (!cached && cache && response.ok) copies.push(response.clone());
    count(copies[0]).catch(() => {});
    if (copies[1]) cache.put(request, copies[1]).catch(() => {});
    return response;
  };
}

// After the first start, the worker keeps a snapshot of Python's memory, taken
// once the package is installed and imported, in the same cache (so it belongs
// to this build). Later pages restore it instead of starting Python, installing
// the package and importing it again. Pyodide's snapshots (_makeSnapshot,
// _loadSnapshot) are experimental: whatever goes wrong with one (missing,
// corrupt, refused) is dropped, and Python starts the ordinary way.
// The snapshot holds memory only: files (the package's, names.txt) are written again.
const SNAPSHOT = "memory-snapshot";

async function cachedSnapshot(cache, runtime) {
  try {
    const response = cache && (await cache.match(new URL(SNAPSHOT, runtime.pyodide).href));
    if (!response) return null;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const digest = await sha256(bytes);
    if (digest === response.headers.get("x-sha256")) return bytes;
  } catch {
    // unreadable: start the ordinary way
  }
  await forgetSnapshot(cache, runtime);
  return null;
}

async function forgetSnapshot(cache, runtime) {
  await cache?.delete(new URL(SNAPSHOT, runtime.pyodide).href).catch(() => {});
}

async function keepSnapshot(cache, runtime, bytes) {
  const headers = { "content-type": "application/octet-stream", "x-sha256": await sha256(bytes) };
  await cache.put(new URL(SNAPSHOT, runtime.pyodide).href, new Response(bytes, { headers }));
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.split("/").pop()}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const QUIET = { stdout: () => {}, stderr: () => {} };

// The package installed from its wheel: unpacked into site-packages (all that
// loadPackage does for a pure-Python wheel, without the JavaScript objects it
// leaves to Python, which a snapshot cannot keep).
async function installPackage(python, runtime) {
  const sitePackages = python.runPython("import site; site.getsitepackages()[0]");
  python.unpackArchive(await fetchBytes(runtime.wheel), "wheel", { extractDir: sitePackages });
  python.runPython("import importlib, microgpt.live; importlib.invalidate_caches()");
}

// Python from a snapshot, random reseeded (the snapshot froze its state).
async function restore(runtime, snapshot) {
  const restored = await loadPyodide({ indexURL: runtime.pyodide, ...QUIET, _loadSnapshot: snapshot });
  await installPackage(restored, runtime);
  restored.runPython("import random; random.seed()");
  return restored;
}

// Python the ordinary way; a snapshot of it kept for later pages when the cache allows.
async function startAfresh(runtime, cache, progress) {
  const fresh = await loadPyodide({ indexURL: runtime.pyodide, ...QUIET, _makeSnapshot: Boolean(cache) });
  progress(0, "installing the microgpt package");
  await installPackage(fresh, runtime);
  if (cache) {
    try {
      keepSnapshot(cache, runtime, fresh.makeMemorySnapshot()).catch(() => {});
    } catch {
      // Python holds something a snapshot cannot keep: later pages start afresh
    }
  }
  return fresh;
}

async function start(runtime) {
  const started = performance.now();
  let loaded = 0,
    phase = "downloading and starting Python"; // loadPyodide does both, and says nothing between them
  const progress = (bytes = 0, now = phase) => {
    loaded += bytes;
    phase = now;
    postMessage({ type: "progress", loaded, total: runtime.bytes, phase });
  };
  const cache = await openCache(runtime.version);
  self.fetch = cachingFetch(cache, progress);
  importScripts(`${runtime.pyodide}pyodide.js`);
  const snapshot = await cachedSnapshot(cache, runtime);
  let fromSnapshot = false;
  if (snapshot) {
    progress(0, "starting Python where an earlier page left it");
    try {
      pyodide = await restore(runtime, snapshot);
      fromSnapshot = true;
    } catch {
      await forgetSnapshot(cache, runtime);
      progress(0, "downloading and starting Python");
    }
  }
  if (!fromSnapshot) pyodide = await startAfresh(runtime, cache, progress);
  progress(0, "reading names.txt");
  pyodide.FS.writeFile("/home/pyodide/names.txt", await fetchBytes(runtime.names));
  pyodide.runPython("import os; os.environ['MICROGPT_NAMES'] = '/home/pyodide/names.txt'");
  pyodide.runPython(STOP_CHECK);
  if (self.crossOriginIsolated) {
    interrupt = new Uint8Array(new SharedArrayBuffer(1));
    pyodide.setInterruptBuffer(interrupt);
  }
  self.fetch = networkFetch; // later downloads are not the runtime's
  return {
    seconds: (performance.now() - started) / 1000,
    python: pyodide.runPython("import sys; sys.version.split()[0]"),
    interrupt,
    fromSnapshot,
  };
}

// Output goes to the page line by line, as the code prints it.
function streamTo(id) {
  pyodide.setStdout({ batched: (text) => postMessage({ type: "output", id, stream: "stdout", text: `${text}\n` }) });
  pyodide.setStderr({ batched: (text) => postMessage({ type: "output", id, stream: "stderr", text: `${text}\n` }) });
}

// Between training steps, Python asks should_stop(). With JavaScript Promise
// Integration (JSPI) the running Python can wait for the event loop, so a Stop
// message gets in; without it, python.js restarts the worker instead.
self.mgStopRequested = false;
self.mgYield = () => new Promise((resolve) => setTimeout(resolve, 0));
const canSuspend = typeof WebAssembly.Suspending === "function";
const STOP_CHECK = `
import time, js
from pyodide.ffi import can_run_sync, run_sync

_last_yield = 0.0

def should_stop():
    global _last_yield
    if can_run_sync() and time.monotonic() - _last_yield > 0.1:
        _last_yield = time.monotonic()
        run_sync(js.mgYield())
    return bool(js.mgStopRequested)
`;

async function run(id, code) {
  streamTo(id);
  const started = performance.now();
  if (interrupt) interrupt[0] = 0;
  const runSnippet = pyodide.pyimport("microgpt.live").run_snippet;
  const ok = runSnippet(code);
  runSnippet.destroy();
  postMessage({ type: "done", id, ok, seconds: (performance.now() - started) / 1000 });
}

async function train(id, settings) {
  streamTo(id);
  self.mgStopRequested = false;
  if (interrupt) interrupt[0] = 0;
  const live = pyodide.pyimport("microgpt.live");
  const shouldStop = pyodide.globals.get("should_stop");
  const averagingWindow = live.WINDOW; // the smoothed loss is the mean of the last `window` losses
  let pending = [],
    lastPost = 0;
  const flush = () => {
    if (pending.length) postMessage({ type: "step", id, points: pending, window: averagingWindow });
    pending = [];
    lastPost = performance.now();
  };
  const onStep = (step, loss, smoothed) => {
    pending.push([step, loss, smoothed]);
    if (performance.now() - lastPost > 50) flush();
  };
  const log = (line) => postMessage({ type: "output", id, stream: "stdout", text: `${line}\n` });
  // Settings left unset keep microgpt.live.train's defaults (a JS null would arrive as jsnull, not None).
  const given = Object.entries({
    num_steps: settings.num_steps,
    learning_rate_value: settings.learning_rate,
    temperature: settings.temperature,
    seed: settings.seed,
    names: settings.names,
    check_gradient: settings.check_gradient,
  }).filter(([, value]) => value !== null && value !== undefined);
  const onCheck = (done, total) => postMessage({ type: "check", id, done, total });
  const args = [settings.program, onStep, shouldStop, { ...Object.fromEntries(given), log, on_check: onCheck }];
  try {
    const result = canSuspend ? await live.train.callPromisingKwargs(...args) : live.train.callKwargs(...args);
    flush();
    postMessage({ type: "done", id, ok: true, result: result.toJs({ dict_converter: Object.fromEntries }) });
    result.destroy();
  } catch (error) {
    flush();
    const last = lastLine(error);
    const stopped = /^(microgpt\.live\.Stopped|KeyboardInterrupt)/.test(last);
    postMessage({ type: "done", id, ok: false, stopped, message: withoutErrorName(last) });
  } finally {
    shouldStop.destroy();
    live.destroy();
  }
}

// The last line of a Python error: "module.ErrorName: what went wrong".
const lastLine = (error) =>
  String(error.message || error)
    .trim()
    .split("\n")
    .pop();
// The package's own errors (bad input, a stopped run) say what is wrong by themselves.
const withoutErrorName = (line) => line.replace(/^[\w.]*(Stopped|MicrogptError): /, "");

// A widget's question to the package: the answer (or the error) as plain data.
function call(id, name, args) {
  if (interrupt) interrupt[0] = 0;
  const live = pyodide.pyimport("microgpt.live");
  const given = args.map((arg) => pyodide.toPy(arg));
  let answer = null;
  try {
    if (typeof live[name] !== "function") throw new Error(`microgpt.live has no function ${name}`);
    answer = live[name](...given);
    const value = answer?.toJs ? answer.toJs({ dict_converter: Object.fromEntries }) : answer;
    postMessage({ type: "done", id, ok: true, value });
  } catch (error) {
    postMessage({ type: "done", id, ok: false, message: withoutErrorName(lastLine(error)) });
  } finally {
    answer?.destroy?.();
    given.forEach((arg) => {
      arg?.destroy?.();
    });
    live.destroy();
  }
}

self.onmessage = async ({ data }) => {
  if (data.type === "stop") {
    self.mgStopRequested = true;
    return;
  }
  try {
    if (data.type === "start") postMessage({ type: "ready", ...(await start(data.runtime)) });
    else if (data.type === "run") await run(data.id, data.code);
    else if (data.type === "train") await train(data.id, data.settings);
    else if (data.type === "call") call(data.id, data.name, data.args);
  } catch (error) {
    // A fatal error (say, the stack overflowed) leaves Pyodide unusable: python.js restarts it.
    postMessage({
      type: "failed",
      id: data.id,
      fatal: Boolean(error.pyodide_fatal_error),
      message: String(error.message || error),
    });
  }
};

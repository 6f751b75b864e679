// Runs code blocks in Pyodide under Node, as the site's worker runs them in a
// browser: the pinned npm package (offline), the microgpt wheel, names.txt in
// the in-memory file system, each block through microgpt.live.run_snippet in
// a fresh namespace. Usage:
//   node run_fences.mjs BLOCKS.json WHEEL NAMES_TXT > RESULTS.json
// BLOCKS.json: [{"id": ..., "code": ...}]; RESULTS.json: {id: {stdout, stderr, ok, seconds}}
// plus "__runtime__": {python, load_seconds}.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [blocksPath, wheel, names] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { loadPyodide } = createRequire(join(root, "package.json"))("pyodide");

const started = performance.now();
const pyodide = await loadPyodide({ stdout: () => {}, stderr: () => {} });
await pyodide.loadPackage(wheel, { messageCallback: () => {} });
pyodide.FS.writeFile("/home/pyodide/names.txt", readFileSync(names));
pyodide.runPython("import os; os.environ['MICROGPT_NAMES'] = '/home/pyodide/names.txt'");
const results = {
  __runtime__: {
    python: pyodide.runPython("import sys; sys.version.split()[0]"),
    load_seconds: (performance.now() - started) / 1000,
  },
};

// Collect bytes exactly as written (no line buffering or trimming).
let out = [],
  err = [];
pyodide.setStdout({ write: (buffer) => out.push(Buffer.from(buffer)) && buffer.length });
pyodide.setStderr({ write: (buffer) => err.push(Buffer.from(buffer)) && buffer.length });
const runSnippet = pyodide.pyimport("microgpt.live").run_snippet;
for (const block of JSON.parse(readFileSync(blocksPath, "utf8"))) {
  out = [];
  err = [];
  const t0 = performance.now();
  const ok = runSnippet(block.code);
  pyodide.runPython("import sys; sys.stdout.flush(); sys.stderr.flush()");
  results[block.id] = {
    ok,
    stdout: Buffer.concat(out).toString("utf8"),
    stderr: Buffer.concat(err).toString("utf8"),
    seconds: (performance.now() - t0) / 1000,
  };
  process.stderr.write(`${block.id}: ${results[block.id].seconds.toFixed(1)} s\n`);
}
process.stdout.write(JSON.stringify(results));

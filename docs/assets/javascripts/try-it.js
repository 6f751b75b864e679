// Every "Try it" block (a python fence followed by its checked output, marked
// <!--pytest-codeblocks:expected-output--> in the page) gets Run, Edit, Reset
// and Stop. Run executes the block with the real package in this tab
// (MicroGPT.python) and streams what it prints below the block; the page's
// own output stays above for comparison. Edit turns the block into an editor
// (CodeMirror, downloaded on first use); Reset puts the page's code back.
// Without JavaScript the page shows the code and its checked output as before.
(() => {
  "use strict";

  const MARK = "pytest-codeblocks:expected-output";
  const siteRoot = document.currentScript ? new URL("../../", document.currentScript.src).href : "/";
  let editorModule = null;
  const loadEditor = () => (editorModule ||= import(`${siteRoot}assets/javascripts/editor.js`));

  const el = window.MicroGPT.el; // widgets.js, loaded before this file on every page

  const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

  // The progress of the one-time start of Python, shown in the block that asked for it.
  function progressLine() {
    const bar = el("progress", { max: "1", value: "0", "aria-label": "loading Python" });
    const text = el("span", { text: "Starting Python in your browser…" });
    const line = el("p", { class: "mg-run-progress" }, bar, " ", text);
    const unsubscribe = MicroGPT.python.onStatus((status) => {
      if (status.state === "loading" && status.total) {
        bar.value = Math.min(status.loaded / status.total, 1);
        text.textContent =
          `Starting Python in your browser, ${status.phase}: ${megabytes(status.loaded)} of ` +
          `${megabytes(status.total)}, ${status.seconds.toFixed(1)} s`;
      } else if (status.state === "ready") {
        line.remove();
        unsubscribe();
      } else if (status.state === "failed") {
        text.textContent =
          "Python could not start here: " +
          status.message +
          ". The code and its checked output above are still the page's.";
      }
    });
    return line;
  }

  // The exercises (exercises.js) show the same line on their first Check.
  window.MicroGPT = window.MicroGPT || {};
  window.MicroGPT.progressLine = progressLine;
  window.MicroGPT.loadEditor = loadEditor; // exercises.js opens its editors with it

  function enhance(codeBlock, outputBlock, index) {
    const pageCode = codeBlock.querySelector("code").textContent.replace(/\n$/, "");
    let editor = null;
    const code = () => (editor ? editor.getCode() : pageCode);
    const output = el("pre", { class: "mg-run-output", "aria-live": "polite", "aria-label": "output of your run" });
    const note = el("p", { class: "mg-run-note" });
    const panel = el("div", { class: "mg-run", "data-block": String(index) }, note, output);
    panel.hidden = true;
    const button = (text, label) => el("button", { type: "button", class: "mg-run-button", text, "aria-label": label });
    const run = button("Run", "Run this code in your browser");
    run.classList.add("mg-primary");
    const edit = button("Edit", "Edit this code");
    const reset = button("Reset", "Put the page's code back");
    const stop = button("Stop", "Stop the running code");
    reset.hidden = stop.hidden = true;
    const bar = el("div", { class: "mg-run-bar" }, run, edit, reset, stop);
    codeBlock.before(bar);
    outputBlock.after(panel);

    async function start() {
      const first = !MicroGPT.python.ready();
      panel.hidden = false;
      panel.dataset.state = "running";
      output.textContent = "";
      note.replaceChildren(first ? progressLine() : "");
      // the panel sits below the page's own output, often out of sight of the Run button: bring it in
      panel.scrollIntoView({ block: "nearest" });
      run.disabled = true;
      stop.hidden = false;
      const text = code();
      const result = await MicroGPT.python.run(text, {
        onOutput: (chunk, stream) =>
          output.append(stream === "stderr" ? el("span", { class: "mg-stderr", text: chunk }) : chunk),
      });
      run.disabled = false;
      stop.hidden = true;
      const same =
        text === pageCode && result.ok && output.textContent === outputBlock.querySelector("code").textContent;
      note.textContent = result.message
        ? result.message
        : !result.ok
          ? `Ended after ${result.seconds.toFixed(2)} s: see the message below.`
          : `Ran in your browser in ${result.seconds.toFixed(2)} s${same ? ": the same output as the page's." : "."}`;
      panel.dataset.state = result.ok ? "done" : "failed";
      panel.scrollIntoView({ block: "nearest" });
    }

    async function openEditor() {
      edit.disabled = true;
      try {
        const { createEditor } = await loadEditor();
        const host = el("div", { class: "mg-editor" });
        codeBlock.after(host);
        codeBlock.hidden = true;
        editor = createEditor(host, pageCode, { onRun: () => run.disabled || start(), label: "Python code, editable" });
        edit.hidden = true;
        reset.hidden = false;
        editor.focus();
      } catch (error) {
        edit.disabled = false;
        panel.hidden = false;
        note.textContent = `The editor could not load (${error.message}).`;
      }
    }

    run.addEventListener("click", start);
    edit.addEventListener("click", openEditor);
    edit.addEventListener("pointerenter", loadEditor, { once: true }); // the pointer on Edit: fetch the editor now
    reset.addEventListener("click", () => editor.setCode(pageCode));
    stop.addEventListener("click", () => MicroGPT.python.stop());
  }

  function mount() {
    if (!window.MicroGPT || !MicroGPT.python) return;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_COMMENT);
    const marks = [];
    while (walker.nextNode()) if (walker.currentNode.nodeValue.trim() === MARK) marks.push(walker.currentNode);
    marks.forEach((mark, index) => {
      const codeBlock = mark.previousElementSibling,
        outputBlock = mark.nextElementSibling;
      if (codeBlock?.matches(".language-python.highlight") && outputBlock?.matches(".highlight")) {
        enhance(codeBlock, outputBlock, index);
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();

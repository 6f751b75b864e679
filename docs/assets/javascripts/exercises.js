// "Your turn": every exercise (a div.mg-exercise made by the `exercise` macro,
// sitebuild/hooks/macros.py) gets the "Try it" editor holding its starter code
// and three buttons. Check sends the reader's code, as data, to the package's
// own checker in this tab's Python (MicroGPT.python.call("check_exercise"),
// microgpt/exercises/), which compares it with the package's function and
// returns the first case that differs. Hint and Show solution open the
// collapsed blocks the page already holds. Solved exercises are remembered in
// localStorage (nothing is sent anywhere) and marked on the step's index
// (div.mg-exercise-progress); so is the code last checked, which the editor
// holds again on the next visit (Reset puts the starter back). Without
// JavaScript the page shows the task, the starter, the hint and the solution.
(() => {
  "use strict";

  const STORE = "microgpt-exercises-solved";
  const loadEditor = () => window.MicroGPT.loadEditor(); // try-it.js's: one editor download per page

  const el = window.MicroGPT.el; // widgets.js, loaded before this file on every page

  // Storage may be switched off: then nothing is remembered, and nothing breaks.
  function solvedIds() {
    try {
      const ids = JSON.parse(localStorage.getItem(STORE) || "[]");
      return new Set(Array.isArray(ids) ? ids : []);
    } catch {
      return new Set();
    }
  }
  function remember(id) {
    const ids = solvedIds();
    ids.add(id);
    try {
      localStorage.setItem(STORE, JSON.stringify([...ids]));
    } catch {
      // private mode or storage full: the exercise is still solved on this page
    }
  }

  // The code the reader last checked, per exercise (null: none kept, or no storage).
  const CODE_STORE = (id) => `microgpt-exercise-code:${id}`;
  function keptCode(id) {
    try {
      return localStorage.getItem(CODE_STORE(id));
    } catch {
      return null;
    }
  }
  function keepCode(id, code) {
    try {
      if (code === null) localStorage.removeItem(CODE_STORE(id));
      else localStorage.setItem(CODE_STORE(id), code);
    } catch {
      // nothing kept: the next visit starts from the starter code
    }
  }

  const solvedMark = () => el("span", { class: "mg-solved-mark", text: "✓ solved" });

  function showResult(panel, result) {
    panel.replaceChildren();
    if (!result.ok) {
      panel.dataset.state = "failed";
      panel.append(el("p", { text: result.message }));
      return false;
    }
    const answer = result.value;
    panel.dataset.state = answer.passed ? "passed" : "failed";
    panel.append(
      el("p", { class: "mg-exercise-verdict", text: answer.passed ? `✓ ${answer.message}` : answer.message }),
    );
    if (answer.case != null) {
      const row = (term, text) => [el("dt", { text: term }), el("dd", {}, el("code", { text }))];
      panel.append(
        el(
          "dl",
          { class: "mg-exercise-case" },
          ...row("Input", answer.input),
          ...row(`The package's answer${answer.where ? ` at ${answer.where}` : ""}`, answer.expected),
          ...row("Yours", answer.got),
        ),
      );
    }
    return answer.passed;
  }

  function enhance(root) {
    const id = root.dataset.exercise;
    const starterBlock = root.querySelector(".highlight"); // the first: the starter
    const hint = root.querySelector("details.mg-hint");
    const solution = root.querySelector("details.mg-solution");
    const heading = root.querySelector("h2");
    if (!starterBlock || !hint || !solution || !heading) return;
    const starter = starterBlock.querySelector("code").textContent.replace(/\n$/, "");
    let editor = null;

    const button = (text, label) =>
      el("button", { type: "button", class: "mg-run-button", text, ...(label ? { "aria-label": label } : {}) });
    const check = button("Check", `Check your code: ${heading.textContent}`);
    check.classList.add("mg-primary");
    const hintButton = button("Hint");
    const solutionButton = button("Show solution");
    const reset = button("Reset", "Reset to the starter code");
    const stop = button("Stop", "Stop the check");
    stop.hidden = true;
    const bar = el("div", { class: "mg-run-bar" }, check, hintButton, solutionButton, reset, stop);
    const panel = el("div", { class: "mg-exercise-result", role: "status", "aria-live": "polite" });
    starterBlock.before(bar);
    starterBlock.after(panel);

    const markSolved = () => {
      root.dataset.solved = "true";
      if (!heading.querySelector(".mg-solved-mark")) heading.append(" ", solvedMark());
    };
    if (solvedIds().has(id)) markSolved();

    // The hint and the solution are <details> of the page; each button opens
    // and closes its block, and says which it will do next.
    const toggles = (details, control, shown, hidden) => {
      const sync = () => {
        control.textContent = details.open ? shown : hidden;
        control.setAttribute("aria-expanded", String(details.open));
      };
      control.addEventListener("click", () => {
        details.open = !details.open;
        if (details.open) details.querySelector("summary").focus();
      });
      details.addEventListener("toggle", sync);
      sync();
    };
    toggles(hint, hintButton, "Hide hint", "Hint");
    toggles(solution, solutionButton, "Hide solution", "Show solution");

    async function runCheck() {
      check.disabled = true;
      stop.hidden = false;
      panel.replaceChildren(
        !MicroGPT.python.started() && MicroGPT.progressLine ? MicroGPT.progressLine() : el("p", { text: "Checking…" }),
      );
      delete panel.dataset.state;
      const code = editor ? editor.getCode() : starter;
      if (editor) keepCode(id, code);
      const result = await MicroGPT.python.call("check_exercise", id, code);
      check.disabled = false;
      stop.hidden = true;
      if (showResult(panel, result)) {
        remember(id);
        markSolved();
      }
      panel.scrollIntoView({ block: "nearest" });
    }

    check.addEventListener("click", runCheck);
    stop.addEventListener("click", () => MicroGPT.python.stop());
    reset.addEventListener("click", () => {
      editor?.setCode(starter);
      keepCode(id, null);
    });

    loadEditor()
      .then(({ createEditor }) => {
        const host = el("div", { class: "mg-editor" });
        starterBlock.after(host);
        starterBlock.hidden = true;
        editor = createEditor(host, keptCode(id) ?? starter, {
          onRun: () => check.disabled || runCheck(),
          label: `Your code for: ${heading.textContent}`,
        });
      })
      .catch((error) => {
        panel.append(el("p", { text: `The editor could not load (${error.message}); Check runs the starter code.` }));
      });
  }

  // A step's index: mark each exercise this browser has solved, and count them.
  function showProgress(box) {
    const solved = solvedIds();
    const links = [...box.querySelectorAll("a[data-exercise]")];
    links.forEach((link) => {
      if (solved.has(link.dataset.exercise)) link.after(" ", solvedMark());
    });
    const done = links.filter((link) => solved.has(link.dataset.exercise)).length;
    const list = box.querySelector("ul");
    list?.before(
      el("p", {
        class: "mg-exercise-count",
        text: `${done} of ${links.length} solved in this browser.`,
      }),
    );
  }

  function mount() {
    document.querySelectorAll(".mg-exercise-progress").forEach(showProgress);
    if (!window.MicroGPT || !MicroGPT.python) return;
    document.querySelectorAll(".mg-exercise[data-exercise]").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();

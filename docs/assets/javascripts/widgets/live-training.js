// "Train in your browser": a step's own program (its run(), through
// microgpt.live.train) runs in this tab's Python (MicroGPT.python), and the
// panel draws each step's loss as it arrives: faint, the loss of each name;
// solid, the mean of the last 50, the curve of the page's static picture.
// At the end it lists the generated names. A page asks for it with
//   <div class="mg-widget" data-widget="live-training" data-program="step1"></div>
// (programs: microgpt/live.py PROGRAMS). data-learning-rate="1.0" shows the
// learning-rate setting with that default.
(function () {
  "use strict";
  const { el, error, svgElement, svgChild, state } = MicroGPT;
  const W = 480, H = 200, LOW = 1.5, HIGH = 3.8;

  function number(label, key, value, attrs) {
    const input = el("input", { type: "number", value: String(state.get(key) ?? value), "aria-label": label, ...attrs });
    return { input, field: el("label", { class: "mg-live-field" }, label + " ", input), key };
  }

  // Loss ticks on the left, the first and last step below, drawn in the plot's own units.
  function axes(steps) {
    const group = document.createDocumentFragment();
    const y = (loss) => H - ((loss - LOW) / (HIGH - LOW)) * H;
    svgChild(group, "line", { x1: 0, y1: H, x2: W, y2: H, class: "mg-live-axis" });
    for (let loss = 2; loss <= HIGH; loss += 0.5) {
      svgChild(group, "line", { x1: 0, y1: y(loss), x2: W, y2: y(loss), class: "mg-live-axis", "stroke-dasharray": "2 4" });
      svgChild(group, "text", { x: 2, y: y(loss) - 2, class: "mg-live-tick" }, "loss " + loss.toFixed(1));
    }
    svgChild(group, "text", { x: 0, y: H + 12, class: "mg-live-tick" }, "step 1");
    svgChild(group, "text", { x: W, y: H + 12, class: "mg-live-tick", "text-anchor": "end" }, "step " + steps);
    return group;
  }

  MicroGPT.widgets["live-training"] = function (root) {
    const program = root.dataset.program || "step1";
    const fields = [
      number("steps", "steps", 1000, { min: "1", max: "10000", step: "1" }),
      ...(root.dataset.learningRate ? [number("learning rate", "lr", Number(root.dataset.learningRate), { min: "0", step: "any" })] : []),
      number("temperature", "temperature", 0.5, { min: "0.01", step: "0.05" }),
      number("seed", "seed", 42, { step: "1" }),
    ];
    const engines = program.startsWith("step5")
      ? el("select", { "aria-label": "engine" },
        el("option", { value: "step5-fast", text: "fast engine (the same numbers, much faster)" }),
        el("option", { value: "step5", text: "Step 5 as written (Value autograd; slow)" }))
      : null;
    const names = el("textarea", { rows: "4", "aria-label": "your own names, one per line", placeholder: "one name per line, e.g.\nanna\nbob", spellcheck: "false" });
    const own = el("details", { class: "mg-live-own" }, el("summary", { text: "Train on your own names" }),
      el("p", { text: "Paste names, one per line. Leave empty for names.txt." }), names);
    // data-python: pressing it starts Python (the keyboard check of every page leaves those alone)
    const train = el("button", { type: "button", class: "mg-run-button mg-primary", text: "Train in your browser", "data-python": "" });
    const stop = el("button", { type: "button", class: "mg-run-button", text: "Stop", "data-python": "" });
    stop.hidden = true;
    const status = el("p", { class: "mg-live-status", "aria-live": "polite", text: "Runs the real package in this tab; nothing leaves your computer." });
    const svg = svgElement(W, H + 16, "mg-plot mg-wide mg-live-chart");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "loss at each training step, drawn as training runs");
    const samples = el("p", { class: "mg-live-samples", "aria-live": "polite" });
    root.append(el("div", { class: "mg-live-settings" }, ...fields.map((f) => f.field), ...(engines ? [el("label", { class: "mg-live-field" }, "engine ", engines)] : [])),
      own, el("div", { class: "mg-live-buttons" }, train, stop), status, svg, samples);

    svg.replaceChildren(axes(Number(fields[0].input.value) || 1000));
    const describe = () => {
      if (running) return;
      const own = names.value.trim() ? names.value.trim().split("\n").filter((line) => line.trim()).length : 0;
      status.textContent = "Ready: " + fields.map((f) => `${f.field.firstChild.textContent.trim()} ${f.input.value}`).join(", ") +
        (engines ? `, ${engines.selectedOptions[0].textContent.split(" (")[0]}` : "") +
        (own ? `, on your ${own} name${own === 1 ? "" : "s"}` : ", on names.txt") + ". Runs the real package in this tab; nothing leaves your computer.";
    };
    [...fields.map((f) => f.input), names].forEach((input) => input.addEventListener("input", describe));
    if (engines) engines.addEventListener("change", describe);

    let running = false;
    describe();
    async function start() {
      const values = Object.fromEntries(fields.map((f) => [f.key, Number(f.input.value)]));
      const steps = values.steps;
      if (!Number.isInteger(steps) || steps < 1) {
        status.replaceChildren(error("Steps must be a whole number of at least 1."));
        return;
      }
      fields.forEach((f) => state.set(f.key, f.input.value));
      running = true;
      train.disabled = true;
      stop.hidden = false;
      samples.textContent = "";
      const x = (step) => (step / Math.max(steps - 1, 1)) * W, y = (loss) => H - ((Math.min(Math.max(loss, LOW), HIGH) - LOW) / (HIGH - LOW)) * H;
      svg.replaceChildren(axes(steps));
      const raw = svgChild(svg, "path", { class: "mg-live-raw" });
      const smooth = svgChild(svg, "path", { class: "mg-series mg-step-" + program.charAt(4) });
      let rawPath = "", smoothPath = "", last = null;
      const started = performance.now();
      status.textContent = MicroGPT.python.started() ? "Training…" : "Starting Python in your browser (once per tab)…";
      const loading = (s) => {
        if (running && s.state === "loading" && s.total) status.textContent = `Starting Python: ${(s.loaded / 1e6).toFixed(1)} of ${(s.total / 1e6).toFixed(1)} MB, ${s.seconds.toFixed(1)} s`;
      };
      const unsubscribe = MicroGPT.python.onStatus(loading);
      let firstStep = null;
      const result = await MicroGPT.python.train({
        program: engines ? engines.value : program, num_steps: steps, learning_rate: values.lr ?? null,
        temperature: values.temperature, seed: values.seed, names: names.value.trim() ? names.value : null,
      }, {
        onSteps(points) {
          if (!points.length) return;
          if (firstStep === null) firstStep = performance.now();
          points.forEach(([step, loss, mean]) => {
            rawPath += (step ? "L" : "M") + x(step).toFixed(1) + " " + y(loss).toFixed(1);
            smoothPath += (step ? "L" : "M") + x(step).toFixed(1) + " " + y(mean).toFixed(1);
            last = { step, loss, mean };
          });
          raw.setAttribute("d", rawPath);
          smooth.setAttribute("d", smoothPath);
          const perSecond = last.step / Math.max((performance.now() - firstStep) / 1000, 1e-3);
          status.textContent = `step ${last.step + 1} / ${steps} · loss ${last.loss.toFixed(4)} · mean of the last 50: ${last.mean.toFixed(4)} · ${perSecond.toFixed(0)} steps/s`;
        },
      });
      unsubscribe();
      running = false;
      train.disabled = false;
      stop.hidden = true;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (result.ok) {
        root.dataset.finalMean = result.result.final_smoothed.toFixed(4);
        status.textContent = `Done: ${steps} steps in ${seconds} s (${result.result.seconds.toFixed(1)} s of training). Mean loss of the last 50 names: ${result.result.final_smoothed.toFixed(4)}.`;
        samples.replaceChildren(el("strong", { text: "Names it made: " }), result.result.samples.join(", "));
      } else {
        const where = last ? ` after step ${last.step + 1}.` : ".";
        status.replaceChildren(result.stopped ? (result.reset ? result.message : "Stopped" + where) : error(result.message));
      }
    }
    train.addEventListener("click", start);
    stop.addEventListener("click", () => MicroGPT.python.stop());
  };
})();

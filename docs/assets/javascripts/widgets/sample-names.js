// "Sample": new names from a trained model, drawn in the reader's browser by
// the package itself (MicroGPT.python runs microgpt.analysis.sample_names on
// the weights in widgets/model-STEP.json). The seed is shown and kept in the
// address, so the same settings give the same names, here or in a terminal.
//   <div class="mg-widget" data-widget="sample-names" data-model="step5"></div>
(function () {
  "use strict";
  const { el, error, state } = MicroGPT;

  MicroGPT.widgets["sample-names"] = function (root) {
    const model = root.dataset.model || "step5";
    const temperature = el("input", { type: "range", min: "0.1", max: "2", step: "0.05",
      value: state.get("T") || "0.5", "aria-label": "temperature" });
    const shownT = el("output", { text: Number(temperature.value).toFixed(2) });
    const seed = el("input", { type: "number", step: "1", value: state.get("seed") || "42", "aria-label": "seed" });
    const button = el("button", { type: "button", class: "mg-run-button mg-primary", text: "Sample 10 names", "data-python": "" });
    const status = el("p", { class: "mg-readout", "aria-live": "polite",
      text: "Runs the trained model in your browser (Python starts on first use)." });
    const names = el("p", { class: "mg-sampled-names", "aria-live": "polite" });
    temperature.addEventListener("input", () => (shownT.textContent = Number(temperature.value).toFixed(2)));
    seed.addEventListener("input", () => (status.textContent = `Ready: seed ${seed.value}, T = ${Number(temperature.value).toFixed(2)}.`));

    button.addEventListener("click", async () => {
      const T = Number(temperature.value), s = Number(seed.value);
      if (!Number.isInteger(s)) {
        status.replaceChildren(error("The seed must be a whole number."));
        return;
      }
      state.set("T", temperature.value);
      state.set("seed", String(s));
      button.disabled = true;
      status.textContent = `Sampling at T = ${T.toFixed(2)} with seed ${s}…`;
      const url = new URL(`widgets/model-${model}.json`, MicroGPT.siteRoot).href;
      const call = `analysis.sample_names(model, 10, ${T}, ${s})`;
      const result = await MicroGPT.python.evaluate([
        "import json", "from pyodide.http import open_url", "from microgpt import analysis",
        `model = json.load(open_url(${JSON.stringify(url)}))`, `print(json.dumps(${call}))`].join("\n"));
      button.disabled = false;
      if (!result.ok) {
        status.replaceChildren(error(result.message || result.stderr.trim().split("\n").pop()));
        return;
      }
      names.textContent = JSON.parse(result.stdout).join(", ");
      status.textContent = `Seed ${s}, T = ${T.toFixed(2)}: microgpt.analysis.${call.replace("model", "results")} ` +
        "gives these names again, here or in a terminal.";
    });

    root.append(el("div", { class: "mg-live-settings" },
      el("label", { class: "mg-live-field" }, "temperature ", temperature, " ", shownT),
      el("label", { class: "mg-live-field" }, "seed ", seed)),
    el("div", { class: "mg-live-buttons" }, button), status, names);
  };
})();

// The widgets of the loss-curve chart; drawn with the helpers of ../widgets.js.
(function () {
  "use strict";
  const { el, withData, svgElement } = MicroGPT;

  // 4.6, 5.4: the loss curves of every step, each with its own toggle.
  MicroGPT.widgets["loss-curves"] = function (root) {
    withData(root, "loss-curves", (loss) => {
      const steps = (root.dataset.steps || Object.keys(loss.curves).join(",")).split(",");
      const curves = steps.map((step) => loss.curves[step]);
      const W = 480, H = 220;
      const lo = Math.min(...curves.map((c) => c.lowest)), hi = Math.max(...curves.map((c) => c.highest));
      const px = (step) => (step / (loss.num_steps - 1)) * W, py = (y) => H - ((y - lo) / (hi - lo)) * (H - 10) - 5;
      const svg = svgElement(W, H, "mg-plot mg-wide");
      const toggles = el("div", { class: "mg-toggles" });
      curves.forEach((curve, k) => {
        const colour = "mg-step-" + steps[k].replace("step", "");
        const line = document.createElementNS("http://www.w3.org/2000/svg", "path");
        line.setAttribute("d", curve.mean.map((y, i) => (i ? "L" : "M") + px(curve.steps[i]).toFixed(1) + " " + py(y).toFixed(1)).join(""));
        line.setAttribute("class", "mg-series " + colour);
        svg.append(line);
        const box = el("input", { type: "checkbox" });
        box.checked = true;
        box.addEventListener("change", () => line.classList.toggle("mg-hidden", !box.checked));
        toggles.append(el("label", { class: "mg-series-label " + colour, "data-step": steps[k] }, box,
          " Step " + steps[k].replace("step", "") + " (last " + loss.window + ": " + curve.last.toFixed(3) + ")"));
      });
      root.append(el("p", { text: "Mean loss of the last " + loss.window + " names at every training step, from " + lo.toFixed(2) + " to " + hi.toFixed(2) + ". Untick a step to hide it." }), svg, toggles);
    });
  };
})();

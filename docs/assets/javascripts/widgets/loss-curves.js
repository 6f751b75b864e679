// The loss-curve chart (2.8, 3.8, 4.6, 5.4); drawn with the helpers of ../widgets.js.
(function () {
  "use strict";
  const { el, withData, svgElement, state } = MicroGPT;
  const SVG = "http://www.w3.org/2000/svg";

  // The running mean of every step's losses, one toggle per step, a slider for
  // the smoothing window (each window's means computed at build time), and a
  // cursor: hover the chart, or move the "training step" slider, to read the
  // loss of every visible step there. data-steps="step0,step3" picks the steps.
  function draw(root, loss) {
    const steps = (root.dataset.steps || Object.keys(loss.curves).join(",")).split(",");
    const curves = steps.map((step) => loss.curves[step]);
    const points = curves[0].steps; // every curve is drawn at the same training steps
    const W = 480, H = 220;
    const px = (step) => (step / (loss.num_steps - 1)) * W;
    const svg = svgElement(W, H, "mg-plot mg-wide");
    const cursor = document.createElementNS(SVG, "line");
    cursor.setAttribute("class", "mg-cursor");
    cursor.setAttribute("y1", "0");
    cursor.setAttribute("y2", String(H));
    const lines = curves.map((curve, k) => {
      const line = document.createElementNS(SVG, "path");
      line.setAttribute("class", "mg-series mg-step-" + curve.number);
      line.dataset.step = steps[k];
      svg.append(line);
      return line;
    });
    svg.append(cursor);

    const toggles = el("div", { class: "mg-toggles" });
    const boxes = curves.map((curve, k) => {
      const box = el("input", { type: "checkbox" });
      box.checked = true;
      box.addEventListener("change", () => { lines[k].classList.toggle("mg-hidden", !box.checked); showPoint(); });
      toggles.append(el("label", { class: "mg-series-label mg-step-" + curve.number, "data-step": steps[k] }, box,
        " Step " + curve.number + " (last " + loss.window + ": " + curve.last.toFixed(3) + ")"));
      return box;
    });

    const asked = state.get("smooth") === null ? -1 : loss.windows.indexOf(Number(state.get("smooth")));
    const windowSlider = el("input", { type: "range", min: "0", max: String(loss.windows.length - 1), step: "1",
      value: String(asked >= 0 ? asked : loss.windows.indexOf(loss.window)), "aria-label": "smoothing window (names)" });
    const windowValue = el("output", { class: "mg-window" });
    const pointSlider = el("input", { type: "range", min: "0", max: String(points.length - 1), step: "1",
      value: String(points.length - 1), "aria-label": "training step to read" });
    const readout = el("p", { class: "mg-readout", "aria-live": "polite" });
    const intro = el("p");

    const windowIndex = () => Number(windowSlider.value);
    function showCurves() {
      const w = windowIndex(), size = loss.windows[w];
      const lo = Math.min(...curves.map((c) => c.smooth[w].lowest)), hi = Math.max(...curves.map((c) => c.smooth[w].highest));
      const py = (y) => H - ((y - lo) / (hi - lo)) * (H - 10) - 5;
      curves.forEach((curve, k) => lines[k].setAttribute("d", curve.smooth[w].mean.map((y, i) =>
        (i ? "L" : "M") + px(curve.steps[i]).toFixed(1) + " " + py(y).toFixed(1)).join("")));
      windowValue.textContent = size + " names";
      intro.textContent = "Mean loss of the last " + size + " names at every training step, from " + lo.toFixed(2) +
        " to " + hi.toFixed(2) + ". Untick a step to hide it; hover the chart or move the step slider to read the values.";
      showPoint();
    }
    function showPoint() {
      const w = windowIndex(), i = Number(pointSlider.value);
      cursor.setAttribute("x1", px(points[i]).toFixed(1));
      cursor.setAttribute("x2", px(points[i]).toFixed(1));
      const shown = curves.filter((c, k) => boxes[k].checked)
        .map((c) => "Step " + c.number + ": " + c.smooth[w].mean[i].toFixed(3));
      readout.textContent = "Training step " + (points[i] + 1) + " of " + loss.num_steps + ". " +
        (shown.length ? shown.join(", ") : "No step is ticked.");
    }
    windowSlider.addEventListener("input", () => { state.set("smooth", loss.windows[windowIndex()]); showCurves(); });
    pointSlider.addEventListener("input", showPoint);
    svg.addEventListener("pointermove", (event) => {
      const box = svg.getBoundingClientRect();
      const step = ((event.clientX - box.left) / box.width) * (loss.num_steps - 1);
      let nearest = 0;
      points.forEach((p, i) => { if (Math.abs(p - step) < Math.abs(points[nearest] - step)) nearest = i; });
      pointSlider.value = String(nearest);
      showPoint();
    });

    root.append(intro, svg, readout, toggles,
      el("div", { class: "mg-controls" },
        el("label", { text: "Smoothing window: " }, windowSlider, windowValue),
        el("label", { text: "Training step: " }, pointSlider)));
    showCurves();
  }

  MicroGPT.widgets["loss-curves"] = function (root) {
    withData(root, "loss-curves", (loss) => draw(root, loss));
  };
})();

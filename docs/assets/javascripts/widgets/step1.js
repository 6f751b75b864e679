// The widgets of Step 1; drawn with the helpers of ../widgets.js.
(function () {
  "use strict";
  const { el, error, withData, svgElement, softmax, bars } = MicroGPT;

  // 1.3: edit logits, see softmax.
  MicroGPT.widgets.softmax = function (root) {
    const input = el("input", { type: "text", value: "2, 1, 0", "aria-label": "logits, comma separated", spellcheck: "false" });
    const out = el("div", { "aria-live": "polite" });
    const show = () => {
      const logits = input.value.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
      out.replaceChildren();
      if (!logits.length || logits.some((v) => !Number.isFinite(v))) {
        out.append(error("Type numbers separated by commas, e.g. 2, 1, 0"));
        return;
      }
      out.append(bars(softmax(logits), logits.map(String), 3), el("p", { text: "The probabilities add up to 1. Add the same number to every logit: nothing changes." }));
    };
    input.addEventListener("input", show);
    root.append(el("label", { text: "Logits: " }, input), out);
    show();
  };

  // 1.6: a curve, a point, and the slope of a secant of width eps.
  MicroGPT.widgets.slope = function (root) {
    const f = (x) => (x * x * x) / 3 - x, df = (x) => x * x - 1;
    const x0 = 1.5, W = 320, H = 200, xs = [-2.5, 2.5], ys = [-2.5, 3];
    const px = (x) => ((x - xs[0]) / (xs[1] - xs[0])) * W, py = (y) => H - ((y - ys[0]) / (ys[1] - ys[0])) * H;
    const slider = el("input", { type: "range", min: "-12", max: "0", step: "0.5", value: "-1", "aria-label": "log10 of eps" });
    const svg = svgElement(W, H, "mg-plot");
    const text = el("p", { class: "mg-slope", "aria-live": "polite" });
    let curve = "";
    for (let i = 0; i <= 100; i++) { const x = xs[0] + (i / 100) * (xs[1] - xs[0]); curve += (i ? "L" : "M") + px(x).toFixed(1) + " " + py(f(x)).toFixed(1); }
    const show = () => {
      const eps = Math.pow(10, Number(slider.value));
      const slope = (f(x0 + eps) - f(x0)) / eps;
      const line = (s) => `M${px(xs[0])} ${py(f(x0) + s * (xs[0] - x0))} L${px(xs[1])} ${py(f(x0) + s * (xs[1] - x0))}`;
      svg.innerHTML = `<path d="${curve}" class="mg-curve"/><path d="${line(df(x0))}" class="mg-tangent"/>` +
        `<path d="${line(slope)}" class="mg-secant"/><circle cx="${px(x0)}" cy="${py(f(x0))}" r="4" class="mg-point"/>` +
        (eps > 0.05 ? `<circle cx="${px(x0 + eps)}" cy="${py(f(x0 + eps))}" r="3" class="mg-point2"/>` : "");
      text.textContent = `eps = ${eps.toExponential(0)}: measured slope ${slope.toPrecision(10)}, true slope ${df(x0).toPrecision(10)}, error ${Math.abs(slope - df(x0)).toExponential(1)}`;
    };
    slider.addEventListener("input", show);
    root.append(el("p", { text: "f(x) = x³/3 − x at x = 1.5. The dashed line is the true tangent; the solid one joins f(x) and f(x + eps)." }), svg,
      el("label", { text: "eps = 10^" }, slider), text);
    show();
  };

  // 1.9: temperature reshapes the trained model's first-letter distribution.
  MicroGPT.widgets.temperature = function (root) {
    withData(root, "temperature", (table) => {
      const slider = el("input", { type: "range", min: "0", max: String(table.temperatures.length - 1), step: "1",
        value: String(table.temperatures.indexOf(0.5)), "aria-label": "temperature" });
      const value = el("output");
      const out = el("div");
      const show = () => {
        const i = Number(slider.value);
        value.textContent = table.temperatures[i].toFixed(2);
        out.replaceChildren(bars(table.probs[i], table.labels, 3));
      };
      slider.addEventListener("input", show);
      root.append(el("p", { text: "How the trained Step 1 model picks the first letter of a name: softmax(logits / T) after BOS." }),
        el("label", { text: "T = " }, slider, value), out);
      show();
    });
  };
})();

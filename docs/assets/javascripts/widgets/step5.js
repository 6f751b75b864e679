// The widgets of Step 5; drawn with the helpers of ../widgets.js.
(function () {
  "use strict";
  const { el, withData, svgElement } = MicroGPT;

  // 5.2: Adam's running mean with bias correction, over a noisy made-up gradient.
  MicroGPT.widgets.beta = function (root) {
    withData(root, "beta", (series) => {
      const W = 320, H = 160, lo = -2, hi = 2, n = series.signal.length;
      const px = (i) => (i / (n - 1)) * W, py = (y) => H - ((y - lo) / (hi - lo)) * H;
      const path = (ys) => ys.map((y, i) => (i ? "L" : "M") + px(i).toFixed(1) + " " + py(y).toFixed(1)).join("");
      const slider = el("input", { type: "range", min: "0", max: String(series.betas.length - 1), step: "1",
        value: String(series.betas.indexOf(series.default)), "aria-label": "beta" });
      const value = el("output");
      const svg = svgElement(W, H, "mg-plot");
      const show = () => {
        const i = Number(slider.value);
        value.textContent = String(series.betas[i]);
        svg.innerHTML = `<path d="${path(series.signal)}" class="mg-tangent"/><path d="${path(series.means[i])}" class="mg-secant"/>`;
      };
      slider.addEventListener("input", show);
      root.append(el("p", { text: "Dashed: a noisy gradient. Solid: its running mean m, bias-corrected as in Adam. Larger beta remembers longer and smooths more, but reacts later." }),
        svg, el("label", { text: "beta = " }, slider, value));
      show();
    });
  };
})();

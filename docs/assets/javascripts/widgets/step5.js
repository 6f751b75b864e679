// The widgets of Step 5; drawn with the helpers of ../widgets.js.
(() => {
  "use strict";
  const { el, withData, svgElement, state } = MicroGPT;

  // 5.2: Adam's running mean with bias correction, over a noisy made-up gradient.
  MicroGPT.widgets.beta = (root) => {
    withData(root, "beta", (series) => {
      const W = 320,
        H = 160,
        lo = -2,
        hi = 2,
        n = series.signal.length;
      const px = (i) => (i / (n - 1)) * W,
        py = (y) => H - ((y - lo) / (hi - lo)) * H;
      const path = (ys) => ys.map((y, i) => `${(i ? "L" : "M") + px(i).toFixed(1)} ${py(y).toFixed(1)}`).join("");
      const slider = el("input", {
        type: "range",
        min: "0",
        max: String(series.betas.length - 1),
        step: "1",
        value: String(series.betas.indexOf(series.default)),
        "aria-label": "beta",
      });
      const value = el("output");
      const svg = svgElement(W, H, "mg-plot");
      const show = () => {
        const i = Number(slider.value);
        value.textContent = String(series.betas[i]);
        svg.innerHTML =
          `<path d="${path(series.signal)}" class="mg-tangent"/><path d="${path(series.means[i])}" ` +
          `class="mg-secant"/>`;
      };
      slider.addEventListener("input", show);
      root.append(
        el("p", {
          text:
            "Dashed: a noisy gradient. Solid: its running mean m, bias-corrected as in Adam. Larger beta " +
            "remembers longer and smooths more, but reacts later.",
        }),
        svg,
        el("label", { text: "beta = " }, slider, value),
      );
      show();
    });
  };

  // 5.2: Adam's averages of a real gradient, the one Step 5's run recorded for
  // one weight; the slider picks beta1 (each beta's averages computed at build
  // time), the step slider (or hovering the chart) reads one training step.
  MicroGPT.widgets["adam-trace"] = (root) => {
    withData(root, "adam-trace", (trace) => {
      const n = trace.grad.length,
        W = 320,
        H = 150;
      const px = (i) => (i / (n - 1)) * W;
      const lo = Math.min(...trace.grad),
        hi = Math.max(...trace.grad);
      const py = (y) => H - 4 - ((y - lo) / (hi - lo)) * (H - 8);
      const stepLimit = Math.max(1, ...trace.step.flat().map(Math.abs));
      const sy = (y) => H / 2 - (y / stepLimit) * (H / 2 - 4);
      const path = (ys, y) => ys.map((v, i) => `${(i ? "L" : "M") + px(i).toFixed(1)} ${y(v).toFixed(1)}`).join("");
      const where = `${trace.where[0]}[${trace.where[1]}][${trace.where[2]}]`;
      const asked = trace.beta1s.indexOf(state.number("beta1"));
      const betaSlider = el("input", {
        type: "range",
        min: "0",
        max: String(trace.beta1s.length - 1),
        step: "1",
        value: String(asked >= 0 ? asked : trace.beta1s.indexOf(trace.default)),
        "aria-label": "beta1",
      });
      const betaValue = el("output", { class: "mg-beta" });
      const pointSlider = el("input", {
        type: "range",
        min: "0",
        max: String(n - 1),
        step: "1",
        value: "19",
        "aria-label": "training step to read",
      });
      const averages = svgElement(W, H, "mg-plot");
      const steps = svgElement(W, H, "mg-plot");
      const readout = el("p", { class: "mg-readout", "aria-live": "polite" });
      const show = () => {
        const b = Number(betaSlider.value),
          i = Number(pointSlider.value),
          x = px(i).toFixed(1);
        betaValue.textContent = String(trace.beta1s[b]);
        averages.innerHTML =
          `<line x1="0" x2="${W}" y1="${py(0)}" y2="${py(0)}" class="mg-cursor"/>` +
          `<path d="${path(trace.grad, py)}" class="mg-raw"/>` +
          `<path d="${path(trace.sqrt_v_hat, py)}" class="mg-curve mg-thin"/>` +
          `<path d="${path(trace.m_hat[b], py)}" class="mg-secant"/>` +
          `<line x1="${x}" x2="${x}" y1="0" y2="${H}" class="mg-cursor"/>`;
        steps.innerHTML =
          `<line x1="0" x2="${W}" y1="${sy(0)}" y2="${sy(0)}" class="mg-cursor"/>` +
          `<path d="${path(trace.step[b], sy)}" class="mg-secant"/>` +
          `<line x1="${x}" x2="${x}" y1="0" y2="${H}" class="mg-cursor"/>`;
        readout.textContent =
          `Training step ${i + 1}, beta1 = ${trace.beta1s[b]}: gradient ${trace.grad[i].toFixed(4)}, ` +
          `m_hat ${trace.m_hat[b][i].toFixed(4)}, sqrt(v_hat) ${trace.sqrt_v_hat[i].toFixed(4)}, ` +
          `step ${trace.step[b][i].toFixed(3)} × learning rate.`;
      };
      betaSlider.addEventListener("input", () => {
        state.set("beta1", trace.beta1s[Number(betaSlider.value)]);
        show();
      });
      pointSlider.addEventListener("input", show);
      [averages, steps].forEach((svg) => {
        svg.addEventListener("pointermove", (event) => {
          const box = svg.getBoundingClientRect();
          pointSlider.value = String(Math.round(((event.clientX - box.left) / box.width) * (n - 1)));
          show();
        });
      });
      root.append(
        el("p", {
          text:
            `The gradient of ${where} in the first ${n} steps of the real Step 5 run, ` +
            `Adam's bias-corrected mean m_hat of it, and sqrt(v_hat), its typical size (beta2 = ${trace.beta2}). ` +
            "Below: the step Adam takes, m_hat / (sqrt(v_hat) + eps), in units of the learning rate. " +
            "The run used beta1 = " +
            trace.default +
            "; other values replay the same gradients with another memory.",
        }),
        el(
          "div",
          { class: "mg-pair" },
          el(
            "figure",
            {},
            averages,
            el("figcaption", { text: "gradient (faint), m_hat (colour), sqrt(v_hat) (the steady line)" }),
          ),
          el("figure", {}, steps, el("figcaption", { text: "the step, in units of the learning rate (0 dotted)" })),
        ),
        readout,
        el(
          "div",
          { class: "mg-controls" },
          el("label", { text: "beta1 = " }, betaSlider, betaValue),
          el("label", { text: "Training step: " }, pointSlider),
        ),
      );
      show();
    });
  };

  // 5.4: the names two steps sampled after training, side by side.
  MicroGPT.widgets["compare-names"] = (root) => {
    withData(root, "compare-names", (names) => {
      const pick = (key, fallback) => {
        const asked = state.integer(key);
        const step = names.steps.includes(asked) ? asked : fallback;
        const select = el("select", { "aria-label": key === "left" ? "first step" : "second step" });
        names.steps.forEach((s) => {
          select.append(el("option", { value: String(s), text: `Step ${s}` }));
        });
        select.value = String(step);
        select.addEventListener("change", () => {
          state.set(key, select.value);
          show();
        });
        return select;
      };
      const left = pick("left", 4),
        right = pick("right", 5);
      const out = el("div", { "aria-live": "polite" });
      const show = () => {
        const a = Number(left.value),
          b = Number(right.value);
        const table = el("table", { class: "mg-compare" });
        table.append(
          el(
            "thead",
            {},
            el("tr", {}, el("th", { text: "#" }), el("th", { text: `Step ${a}` }), el("th", { text: `Step ${b}` })),
          ),
        );
        const body = el("tbody");
        names.samples[a].forEach((name, i) => {
          const other = names.samples[b][i];
          body.append(
            el(
              "tr",
              { class: name === other ? "mg-same" : "" },
              el("td", { text: String(i + 1) }),
              el("td", { text: name }),
              el("td", { text: other }),
            ),
          );
        });
        table.append(body);
        out.replaceChildren(
          el("p", {
            class: "mg-same-count",
            text: `${names.same[a][b]} of ${names.samples[a].length} names are the same in the same place (marked).`,
          }),
          el(
            "div",
            { class: "mg-scroll", tabindex: "0", role: "region", "aria-label": "the two lists of names" },
            table,
          ),
        );
      };
      root.append(
        el("p", {
          text:
            "The " +
            names.samples[0].length +
            " names each step sampled after training, from the seed " +
            names.seed +
            " (Step 0 draws from its count table, the others at temperature " +
            names.temperature +
            "). Pick two steps:",
        }),
        el("div", { class: "mg-controls" }, left, right),
        out,
      );
      show();
    });
  };
})();

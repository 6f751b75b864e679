// The widgets of Step 1; drawn with the helpers of ../widgets.js.
(function () {
  "use strict";
  const { el, error, withData, svgElement, softmax, bars } = MicroGPT;

  // 1.2: the three matrices at initialisation; hover, or pick a cell with the controls,
  // for its value and its place in the flat list parameters(state_dict).
  MicroGPT.widgets["init-weights"] = function (root) {
    withData(root, "init-weights", (data) => {
      const CELL = 8, biggest = Math.max(...data.matrices.flatMap((m) => m.values.flat().map(Math.abs)));
      const select = el("select", { "aria-label": "matrix" });
      const rowSlider = el("input", { type: "range", min: "0", step: "1", value: "0", "aria-label": "row" });
      const colSlider = el("input", { type: "range", min: "0", step: "1", value: "0", "aria-label": "column" });
      const readout = el("p", { class: "mg-weight-readout", "aria-live": "polite" });
      const maps = el("div", { class: "mg-init-maps" });
      const marks = {};
      data.matrices.forEach((m, which) => {
        const rows = m.values.length, cols = m.values[0].length;
        select.append(el("option", { value: String(which), text: m.name + " (" + rows + " × " + cols + ")" }));
        const svg = MicroGPT.svgElement(cols * CELL, rows * CELL, "mg-init-map");
        let cells = "";
        m.values.forEach((row, r) => row.forEach((v, c) => {
          cells += `<rect x="${c * CELL}" y="${r * CELL}" width="${CELL}" height="${CELL}" class="${v < 0 ? "mg-neg" : "mg-pos"}" fill-opacity="${(Math.abs(v) / biggest).toFixed(3)}"/>`;
        }));
        svg.innerHTML = cells + `<rect class="mg-mark" width="${CELL}" height="${CELL}" visibility="hidden"/>`;
        marks[which] = svg.lastChild;
        svg.style.width = cols * 0.35 + "rem";
        const pick = (event) => {
          const box = svg.getBoundingClientRect();
          select.value = String(which);
          limits();
          rowSlider.value = String(Math.min(rows - 1, Math.floor(((event.clientY - box.top) / box.height) * rows)));
          colSlider.value = String(Math.min(cols - 1, Math.floor(((event.clientX - box.left) / box.width) * cols)));
          show();
        };
        svg.addEventListener("pointermove", pick);
        svg.addEventListener("pointerdown", pick);
        maps.append(el("figure", { class: "mg-heatmap-box" }, svg, el("figcaption", { text: m.name + ": " + rows + " × " + cols })));
      });
      const limits = () => {
        const m = data.matrices[Number(select.value)];
        rowSlider.max = String(m.values.length - 1);
        colSlider.max = String(m.values[0].length - 1);
      };
      const show = () => {
        const which = Number(select.value), m = data.matrices[which];
        const r = Number(rowSlider.value), c = Number(colSlider.value), cols = m.values[0].length;
        Object.entries(marks).forEach(([k, mark]) => {
          mark.setAttribute("visibility", Number(k) === which ? "visible" : "hidden");
          mark.setAttribute("x", c * CELL); mark.setAttribute("y", r * CELL);
        });
        readout.textContent = m.name + "[" + r + "][" + c + "] = " + m.values[r][c].toFixed(6) + ": parameter " +
          (m.offset + r * cols + c) + " of the " + data.num_params + " in parameters(state_dict) (counted from 0)";
      };
      select.addEventListener("change", () => { limits(); show(); });
      rowSlider.addEventListener("input", show);
      colSlider.addEventListener("input", show);
      root.append(el("p", { text: "Every weight as a square: orange below zero, purple above, the stronger the further from zero. Point at a square, or pick one, to read its weight and its place in the flat list parameters(state_dict):" }),
        el("div", { class: "mg-controls" }, el("label", { text: "Matrix: " }, select),
          el("label", { text: "Row: " }, rowSlider), el("label", { text: "Column: " }, colSlider)), readout, maps);
      limits();
      show();
    });
  };

  // Numbers typed into a box, comma separated; null if any is not a number.
  const numbers = (text) => {
    const values = text.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
    return values.length && values.every(Number.isFinite) ? values : null;
  };
  const shortNumber = (v) => String(Number(v.toFixed(4))); // at most 4 decimals, no trailing zeros

  // 1.3: one dot product, term by term: what linear() computes for each row of w.
  MicroGPT.widgets["dot-product"] = function (root) {
    const x = el("input", { type: "text", value: MicroGPT.state.get("x") ?? "2, 1, 0, -1", "aria-label": "the input vector x, comma separated", spellcheck: "false" });
    const w = el("input", { type: "text", value: MicroGPT.state.get("w") ?? "1, 0, -1, 0.5", "aria-label": "one row of weights w, comma separated", spellcheck: "false" });
    const out = el("div", { "aria-live": "polite" });
    const show = () => {
      const xs = numbers(x.value), ws = numbers(w.value);
      out.replaceChildren();
      if (!xs || !ws) {
        [[xs, "x"], [ws, "w"]].forEach(([values, name]) => {
          if (!values) out.append(error(name + " is not a list of numbers: type numbers separated by commas, e.g. 2, 1, 0, -1"));
        });
        return;
      }
      if (xs.length !== ws.length) {
        out.append(error("x has " + xs.length + " numbers and w has " + ws.length + ": a dot product needs as many of each."));
        return;
      }
      const terms = ws.map((wi, i) => wi * xs[i]);
      const list = el("ul", { class: "mg-terms" });
      terms.forEach((t, i) => list.append(el("li", {}, "w[" + i + "] × x[" + i + "] = " + shortNumber(ws[i]) + " × " + shortNumber(xs[i]) + " = ",
        el("span", { class: "mg-term", text: shortNumber(t) }))));
      const sum = terms.reduce((a, b) => a + b, 0); // left to right, as Python's sum()
      out.append(list, el("p", {}, "Sum: " + terms.map((t) => (t < 0 ? "(" + shortNumber(t) + ")" : shortNumber(t))).join(" + ") + " = ",
        el("b", { class: "mg-dot", text: shortNumber(sum) })));
    };
    [x, w].forEach((box, i) => box.addEventListener("input", () => { MicroGPT.state.set(i ? "w" : "x", box.value); show(); }));
    root.append(el("p", { text: "Edit x and one row w of a matrix, and follow the dot product term by term:" }),
      el("div", { class: "mg-controls" }, el("label", { text: "x = " }, x), el("label", { text: "w = " }, w)), out);
    show();
  };

  // 1.3: edit logits, see softmax(logits / T); a small T gives the largest logit nearly everything.
  const TEMPERATURES = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];
  MicroGPT.widgets.softmax = function (root) {
    const input = el("input", { type: "text", value: "2, 1, 0", "aria-label": "logits, comma separated", spellcheck: "false" });
    const stored = TEMPERATURES.indexOf(Number(MicroGPT.state.get("T")));
    const slider = el("input", { type: "range", min: "0", max: String(TEMPERATURES.length - 1), step: "1",
      value: String(stored >= 0 ? stored : TEMPERATURES.indexOf(1)), "aria-label": "temperature T" });
    const value = el("output");
    const out = el("div", { "aria-live": "polite" });
    const show = () => {
      const logits = numbers(input.value), T = TEMPERATURES[Number(slider.value)];
      value.textContent = String(T);
      out.replaceChildren();
      if (!logits) {
        out.append(error("Type numbers separated by commas, e.g. 2, 1, 0"));
        return;
      }
      out.append(bars(softmax(logits.map((v) => v / T)), logits.map(String), 3), el("p", { text: T === 1
        ? "The probabilities add up to 1. Add the same number to every logit: nothing changes."
        : T < 1 ? "T below 1 stretches the gaps between the logits: the largest takes more; near T = 0.01 it takes (almost) everything, winner take all."
          : "T above 1 shrinks the gaps: the probabilities move toward equal." }));
    };
    input.addEventListener("input", show);
    slider.addEventListener("input", () => { MicroGPT.state.set("T", String(TEMPERATURES[Number(slider.value)])); show(); });
    root.append(el("label", { text: "Logits: " }, input), el("label", { class: "mg-temperature", text: "Temperature T = " }, slider, value), out);
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

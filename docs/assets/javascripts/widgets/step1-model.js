// The widgets of Step 1's model and its gradient (1.4, 1.6, 1.8); drawn with
// the helpers of ../widgets.js. Every number comes from widgets/NAME.json
// (docs/hooks/widget_data_step1_2.py): this file only scales and draws.
(function () {
  "use strict";
  const { el, withData, svgElement, svgChild, bars, plural, state } = MicroGPT;

  const fixed = (v, digits) => (Object.is(v, -0) ? 0 : v).toFixed(digits);
  const sci = (v, digits) => v.toExponential(digits);
  const epsText = (e) => (e === 1 ? "1" : sci(e, 0));

  // A strip of bars around a zero line, one per value, scaled by `biggest`.
  function strip(values, biggest, labels) {
    const bar = 12, height = labels ? 70 : 56, middle = 28, half = 26;
    const svg = svgElement(values.length * bar, height, "mg-strip");
    svg.setAttribute("aria-hidden", "true");
    svg.style.width = values.length * bar + "px";  // one scale for every strip; phones shrink the long ones
    svgChild(svg, "line", { x1: 0, x2: values.length * bar, y1: middle, y2: middle, class: "mg-strip-axis" });
    values.forEach((v, i) => {
      const length = (half * Math.abs(v)) / biggest;
      svgChild(svg, "rect", { x: i * bar + 1, width: bar - 2, y: v >= 0 ? middle - length : middle,
        height: Math.max(length, 0.5), class: v >= 0 ? "mg-strip-up" : "mg-strip-down" });
      if (labels) svgChild(svg, "text", { x: i * bar + bar / 2, y: height - 4, class: "mg-strip-label" }, labels[i]);
    });
    return svg;
  }

  // 1.4: the trained Step 1 model, move by move, for one token.
  MicroGPT.widgets["mlp-layers"] = function (root) {
    withData(root, "mlp-layers", (data) => {
      const moves = ["embedding", "hidden", "relu", "logits", "probs"];
      const biggest = {};  // one scale per move, over all tokens, so tokens compare
      moves.forEach((m) => (biggest[m] = Math.max(1e-12, ...data.layers.flatMap((t) => t[m].map(Math.abs)))));
      biggest.relu = biggest.hidden;
      const letters = data.labels.map((l) => (l === "BOS" ? "·" : l));
      const select = el("select", { "aria-label": "current token" });
      data.labels.forEach((label, i) => select.append(el("option", { value: String(i), text: label })));
      const example = data.example, pairs = example.tokens.length - 1;
      const pairSelect = el("select", { "aria-label": `pair of "${example.name}"` });
      pairSelect.append(el("option", { value: "-1", text: "none" }));
      for (let k = 0; k < pairs; k++) {
        const [a, b] = [example.tokens[k], example.tokens[k + 1]].map((t) => data.labels[t]);
        pairSelect.append(el("option", { value: String(k), text: `${k + 1}: ${a} → ${b}` }));
      }
      const pairText = el("p", { class: "mg-pair" });
      const out = el("div", { class: "mg-layers", "aria-live": "polite" });
      let pair = -1;  // the pair of the example shown, or -1 when the reader picked a token

      const row = (title, caption, svg) => el("div", { class: "mg-layer" },
        el("p", { class: "mg-layer-title" }, el("strong", { text: title }), " ", el("span", { class: "mg-layer-caption", text: caption })), svg);
      const range = (values) => `from ${fixed(Math.min(...values), 3)} to ${fixed(Math.max(...values), 3)}`;

      function show(tokenId) {
        const t = data.layers[tokenId], label = data.labels[tokenId];
        const top = t.logits.indexOf(Math.max(...t.logits));
        const order = t.probs.map((p, i) => i).sort((a, b) => t.probs[b] - t.probs[a]).slice(0, 5);
        select.value = String(tokenId);
        state.set("token", label);
        out.replaceChildren(
          row(`embedding wte[${label}]`, `${t.embedding.length} numbers, ${range(t.embedding)}`, strip(t.embedding, biggest.embedding)),
          row("hidden layer, before ReLU", `${t.hidden.length} numbers, ${range(t.hidden)}`, strip(t.hidden, biggest.hidden)),
          row("after ReLU", `${plural(data.switched_off[tokenId], "unit")} of ${t.relu.length} switched off (set to 0)`, strip(t.relu, biggest.relu)),
          row("logits", `${t.logits.length} scores; the largest, ${fixed(t.logits[top], 3)}, is for ${data.labels[top]}`, strip(t.logits, biggest.logits, letters)),
          row("probabilities (softmax of the logits)", "the five most likely next tokens:", strip(t.probs, biggest.probs, letters)),
          bars(order.map((i) => t.probs[i]), order.map((i) => data.labels[i]), 3));
        if (pair >= 0) {
          const next = example.tokens[pair + 1];
          pairText.textContent = `Pair ${pair + 1} of ${pairs} of "${example.name}": after ${label} comes ` +
            `${data.labels[next]}, to which the model gives p = ${fixed(t.probs[next], 3)}.`;
        } else pairText.textContent = `The current token is ${label}. Pick another, or a pair of "${example.name}" (the arrow keys step through them).`;
      }

      select.addEventListener("change", () => { pair = -1; pairSelect.value = "-1"; show(Number(select.value)); });
      pairSelect.addEventListener("change", () => {
        pair = Number(pairSelect.value);
        show(pair >= 0 ? example.tokens[pair] : Number(select.value));
      });
      root.append(el("p", { text: "The trained Step 1 model reading one token: its embedding, the hidden layer, ReLU, the logits and the probabilities of the next token. Bars above the line are positive, below negative; each move keeps one scale for all tokens." }),
        el("div", { class: "mg-controls" }, el("label", { text: "Current token: " }, select),
          el("label", { text: `or a pair of "${example.name}": ` }, pairSelect)), pairText, out);
      const asked = data.labels.indexOf(state.get("token") || "");
      show(asked >= 0 ? asked : example.tokens[0]);
    });
  };

  // 1.6: the real loss along one real weight, its forward differences and its true slope.
  MicroGPT.widgets["loss-slope"] = function (root) {
    withData(root, "loss-slope", (data) => {
      const [matrix, r, c] = data.place;
      const W = 360, H = 220, pad = 50;
      const xs = data.curve.offsets.map((d) => data.weight + d), ys = data.curve.losses;
      const x0 = Math.min(...xs), x1 = Math.max(...xs);
      const y0 = Math.min(...ys), y1 = Math.max(...ys), margin = (y1 - y0) * 0.08;
      const px = (x) => pad + ((x - x0) / (x1 - x0)) * (W - pad - 8);
      const py = (y) => 8 + (1 - (y - (y0 - margin)) / (y1 - y0 + 2 * margin)) * (H - pad - 8);
      const curve = svgElement(W, H, "mg-plot mg-slope-plot");
      curve.setAttribute("role", "img");
      curve.setAttribute("aria-label", `The loss of "${data.doc}" as ${matrix}[${r}][${c}] moves, with the tangent and the line through the two points`);
      const errors = svgElement(W, H, "mg-plot mg-slope-plot");
      errors.setAttribute("role", "img");
      errors.setAttribute("aria-label", "The size of the difference between measured and true slope for every eps, on logarithmic scales");

      const slider = el("input", { type: "range", min: "0", max: String(data.epsilons.length - 1), step: "1", "aria-label": "eps" });
      const eps = el("output");
      const text = el("div", { class: "mg-slope-readout", "aria-live": "polite" });

      // the error plot: log10 |difference| against log10 eps
      const lx = data.epsilons.map(Math.log10), ly = data.differences.map((d) => Math.log10(Math.max(Math.abs(d), 1e-17)));
      const ex0 = Math.min(...lx), ex1 = Math.max(...lx), ey0 = Math.floor(Math.min(...ly)), ey1 = Math.ceil(Math.max(...ly));
      const qx = (v) => pad + ((v - ex0) / (ex1 - ex0)) * (W - pad - 8);  // small eps on the left, as on the slider
      const qy = (v) => 8 + (1 - (v - ey0) / (ey1 - ey0)) * (H - pad - 8);

      function axes(svg, xLabel, yLabel) {
        svgChild(svg, "line", { x1: pad, x2: W - 8, y1: H - pad, y2: H - pad, class: "mg-axis" });
        svgChild(svg, "line", { x1: pad, x2: pad, y1: 8, y2: H - pad, class: "mg-axis" });
        svgChild(svg, "text", { x: (W + pad) / 2, y: H - 8, class: "mg-axis-label" }, xLabel);
        svgChild(svg, "text", { x: 12, y: (H - pad) / 2, class: "mg-axis-label", transform: `rotate(-90 12 ${(H - pad) / 2})` }, yLabel);
      }
      // the slider runs from the smallest eps on the left to the largest on the right
      const chosen = () => data.epsilons.length - 1 - Number(slider.value);

      function show() {
        const i = chosen(), e = data.epsilons[i];
        const slope = data.slopes[i], diff = data.differences[i];
        eps.textContent = epsText(e);
        slider.setAttribute("aria-valuetext", "eps " + epsText(e));
        state.set("eps", epsText(e));
        const reach = 0.3 * (x1 - x0);  // each line spans the weight +- this much
        const line = (s, cls) => svgChild(curve, "path", { class: cls,
          d: `M${px(data.weight - reach)} ${py(data.loss - s * reach)} L${px(data.weight + reach)} ${py(data.loss + s * reach)}` });
        curve.replaceChildren();
        axes(curve, `${matrix}[${r}][${c}]`, `loss of "${data.doc}"`);
        [y0, y1].forEach((y) => svgChild(curve, "text", { x: pad - 4, y: py(y) + 3, class: "mg-model-tick" }, y.toFixed(3)));
        svgChild(curve, "text", { x: px(data.weight), y: H - pad + 13, class: "mg-axis-label" }, data.weight.toFixed(3));
        svgChild(curve, "path", { class: "mg-curve", d: xs.map((x, k) => (k ? "L" : "M") + px(x).toFixed(1) + " " + py(ys[k]).toFixed(1)).join("") });
        line(data.true_slope, "mg-tangent");
        line(slope, "mg-secant");
        svgChild(curve, "circle", { cx: px(data.weight), cy: py(data.loss), r: 4, class: "mg-point" });
        if (px(data.weight + e) - px(data.weight) > 4) svgChild(curve, "circle", { cx: px(data.weight + e), cy: py(data.nudged[i]), r: 3, class: "mg-point2" });

        errors.replaceChildren();
        axes(errors, "eps, from 1e-12 to 1", "|measured − true slope|");
        for (let k = ey0; k <= ey1; k += 2) svgChild(errors, "text", { x: pad - 4, y: qy(k) + 3, class: "mg-model-tick" }, "1e" + k);
        svgChild(errors, "path", { class: "mg-curve", d: lx.map((v, k) => (k ? "L" : "M") + qx(v).toFixed(1) + " " + qy(ly[k]).toFixed(1)).join("") });
        svgChild(errors, "circle", { cx: qx(lx[i]), cy: qy(ly[i]), r: 5, class: "mg-point2" });

        text.replaceChildren(
          el("p", {}, "eps = ", el("span", { class: "mg-eps", text: epsText(e) }), `: the loss moves from ${data.loss.toFixed(10)} to ${data.nudged[i].toFixed(10)}`),
          el("p", {}, "measured slope ", el("strong", { class: "mg-measured", text: sci(slope, 9) })),
          el("p", {}, "true slope (analytic_gradient) ", el("strong", { class: "mg-true", text: sci(data.true_slope, 9) })),
          el("p", {}, "difference ", el("strong", { class: "mg-difference", text: sci(diff, 2) })));
      }
      const asked = data.epsilons.findIndex((e) => epsText(e) === state.get("eps"));
      slider.value = String(data.epsilons.length - 1 - (asked >= 0 ? asked : data.epsilons.indexOf(data.default_eps)));
      slider.addEventListener("input", show);
      root.append(el("p", { text: `The loss of "${data.doc}" with the initial weights, as one weight moves: ${matrix}[${r}][${c}] (weight number ${data.index}, the one with the steepest slope), now ${data.weight.toFixed(4)}. Dashed: the tangent, with the true slope. Solid: the line through the loss at the weight and at the weight + eps.` }),
        el("div", { class: "mg-plots" }, curve, errors), el("label", { text: "eps = " }, slider, eps), text);
      show();
    });
  };

  // 1.8: both gradients of every weight; hover a dot, or pick a weight by number.
  MicroGPT.widgets["gradient-check"] = function (root) {
    withData(root, "gradient-check", (data) => {
      const n = data.weights.length, W = 360, H = 360, pad = 52;
      const analytic = data.weights.map((w) => w[0]), numerical = data.weights.map((w) => w[1]);
      const biggest = Math.max(...analytic.map(Math.abs), ...numerical.map(Math.abs)) * 1.05;
      const p = (v) => pad + ((v + biggest) / (2 * biggest)) * (W - pad - 8);
      const q = (v) => 8 + (1 - (v + biggest) / (2 * biggest)) * (H - pad - 8);
      const svg = svgElement(W, H, "mg-plot mg-scatter");
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", `numerical against analytic gradient of all ${n} weights for "${data.doc}"; pick a weight with the slider below`);
      svgChild(svg, "line", { x1: p(-biggest), y1: q(-biggest), x2: p(biggest), y2: q(biggest), class: "mg-diagonal" });
      svgChild(svg, "line", { x1: pad, x2: W - 8, y1: H - pad, y2: H - pad, class: "mg-axis" });
      svgChild(svg, "line", { x1: pad, x2: pad, y1: 8, y2: H - pad, class: "mg-axis" });
      svgChild(svg, "text", { x: (W + pad) / 2, y: H - 10, class: "mg-axis-label" }, "analytic gradient");
      svgChild(svg, "text", { x: 12, y: (H - pad) / 2, class: "mg-axis-label", transform: `rotate(-90 12 ${(H - pad) / 2})` }, "numerical gradient");
      [-biggest / 1.05, 0, biggest / 1.05].forEach((v) => {
        const label = v === 0 ? "0" : sci(v, 1);
        svgChild(svg, "text", { x: p(v), y: H - pad + 13, class: "mg-axis-label" }, label);
        svgChild(svg, "text", { x: pad - 4, y: q(v) + 3, class: "mg-model-tick" }, label);
      });
      const dots = svgChild(svg, "g", { class: "mg-dots" });
      let d = "";
      for (let i = 0; i < n; i++) d += `M${p(analytic[i]).toFixed(1)} ${q(numerical[i]).toFixed(1)}h0`;
      svgChild(dots, "path", { d: d, class: "mg-dot-path" });
      const mark = svgChild(svg, "circle", { r: 6, class: "mg-mark" });

      const slider = el("input", { type: "range", min: "0", max: String(n - 1), step: "1", "aria-label": "weight number" });
      const number = el("output");
      const readout = el("div", { class: "mg-check-readout", "aria-live": "polite" });
      const place = (i) => {
        const block = data.blocks.find((b) => i >= b.start && i < b.start + b.rows * b.cols);
        const offset = i - block.start;
        return [block.name, Math.floor(offset / block.cols), offset % block.cols];
      };
      function show(i) {
        const [name, r, c] = place(i);
        slider.value = String(i);
        number.textContent = String(i);
        slider.setAttribute("aria-valuetext", `weight ${i}, ${name} row ${r} column ${c}`);
        state.set("weight", String(i));
        jump.value = [...jump.options].some((o) => o.value === String(i)) ? String(i) : "";
        mark.setAttribute("cx", p(analytic[i]));
        mark.setAttribute("cy", q(numerical[i]));
        readout.replaceChildren(
          el("p", {}, "weight number ", el("strong", { class: "mg-index", text: String(i) }), ": ",
            el("code", { class: "mg-place", text: `${name}[${r}][${c}]` }), ` (matrix ${name}, row ${r}, column ${c})`),
          el("p", {}, "analytic ", el("strong", { class: "mg-analytic", text: sci(analytic[i], 5) }),
            ", numerical ", el("strong", { class: "mg-numerical", text: sci(numerical[i], 5) })),
          el("p", {}, "numerical − analytic ", el("strong", { class: "mg-difference", text: sci(data.weights[i][2], 1) })));
      }
      svg.addEventListener("pointermove", (event) => {
        const box = svg.getBoundingClientRect(), scale = W / box.width;
        const x = (event.clientX - box.left) * scale, y = (event.clientY - box.top) * scale;
        let best = 0, bestDistance = Infinity;
        for (let i = 0; i < n; i++) {
          const distance = (p(analytic[i]) - x) ** 2 + (q(numerical[i]) - y) ** 2;
          if (distance < bestDistance) { best = i; bestDistance = distance; }
        }
        show(best);
      });
      slider.addEventListener("input", () => show(Number(slider.value)));
      const jump = el("select", { "aria-label": "go to a weight" });
      [["", "pick…"], [String(data.largest_slope), "the largest slope"],
        [String(data.largest_difference), "the largest difference"]].forEach(([value, text]) => jump.append(el("option", { value: value, text: text })));
      jump.addEventListener("change", () => { if (jump.value) show(Number(jump.value)); });
      root.append(el("p", { text: `Every dot is one of the ${n} weights, for the name "${data.doc}" at the initial weights (eps = ${sci(data.eps, 0)}). Hover a dot, or pick a weight by its number in parameters(state_dict).` }),
        svg, el("label", { text: "weight number " }, slider, number),
        el("div", { class: "mg-controls" }, el("label", { text: "Go to " }, jump)),
        readout);
      show(state.integer("weight", 0, n - 1) ?? data.largest_slope);
    });
  };
})();

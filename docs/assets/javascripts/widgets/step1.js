// The widgets of Step 1; drawn with the helpers of ../widgets.js. Every
// number comes from widgets/NAME.json (the build's Step 1 data) or from the
// package running in this tab (MicroGPT.python): this file only scales and draws.
// Two of them come back on 5.4, so the Step 5 page loads this file too:
// live-training and sample-names, the widgets that run the package itself.
(() => {
  "use strict";
  const { el, error, withData, svgElement, softmax, bars, svgChild, plural, state } = MicroGPT;

  // 1.2: the three matrices at initialisation; hover, or pick a cell with the controls,
  // for its value and its place in the flat list parameters(state_dict).
  MicroGPT.widgets["init-weights"] = (root) => {
    withData(root, "init-weights", (data) => {
      const CELL = 8,
        biggest = Math.max(...data.matrices.flatMap((m) => m.values.flat().map(Math.abs)));
      const select = el("select", { "aria-label": "matrix" });
      const rowSlider = el("input", { type: "range", min: "0", step: "1", value: "0", "aria-label": "row" });
      const colSlider = el("input", { type: "range", min: "0", step: "1", value: "0", "aria-label": "column" });
      const readout = el("p", { class: "mg-weight-readout", "aria-live": "polite" });
      const maps = el("div", { class: "mg-init-maps" });
      const marks = {};
      data.matrices.forEach((m, which) => {
        const rows = m.values.length,
          cols = m.values[0].length;
        select.append(el("option", { value: String(which), text: `${m.name} (${rows} × ${cols})` }));
        const svg = MicroGPT.svgElement(cols * CELL, rows * CELL, "mg-init-map");
        let cells = "";
        m.values.forEach((row, r) => {
          row.forEach((v, c) => {
            cells +=
              `<rect x="${c * CELL}" y="${r * CELL}" width="${CELL}" height="${CELL}" ` +
              `class="${v < 0 ? "mg-neg" : "mg-pos"}" fill-opacity="${(Math.abs(v) / biggest).toFixed(3)}"/>`;
          });
        });
        svg.innerHTML = `${cells}<rect class="mg-mark" width="${CELL}" height="${CELL}" visibility="hidden"/>`;
        marks[which] = svg.lastChild;
        svg.style.width = `${cols * 0.35}rem`;
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
        maps.append(
          el("figure", { class: "mg-heatmap-box" }, svg, el("figcaption", { text: `${m.name}: ${rows} × ${cols}` })),
        );
      });
      const limits = () => {
        const m = data.matrices[Number(select.value)];
        rowSlider.max = String(m.values.length - 1);
        colSlider.max = String(m.values[0].length - 1);
      };
      const show = () => {
        const which = Number(select.value),
          m = data.matrices[which];
        const r = Number(rowSlider.value),
          c = Number(colSlider.value),
          cols = m.values[0].length;
        Object.entries(marks).forEach(([k, mark]) => {
          mark.setAttribute("visibility", Number(k) === which ? "visible" : "hidden");
          mark.setAttribute("x", c * CELL);
          mark.setAttribute("y", r * CELL);
        });
        readout.textContent =
          m.name +
          "[" +
          r +
          "][" +
          c +
          "] = " +
          m.values[r][c].toFixed(6) +
          ": parameter " +
          (m.offset + r * cols + c) +
          " of the " +
          data.num_params +
          " in parameters(state_dict) (counted from 0)";
      };
      select.addEventListener("change", () => {
        limits();
        show();
      });
      rowSlider.addEventListener("input", show);
      colSlider.addEventListener("input", show);
      root.append(
        el("p", {
          text:
            "Every weight as a square: orange below zero, purple above, the stronger the further from zero. " +
            "Point at a square, or pick one, to read its weight and its place in the flat list parameters(state_dict):",
        }),
        el(
          "div",
          { class: "mg-controls" },
          el("label", { text: "Matrix: " }, select),
          el("label", { text: "Row: " }, rowSlider),
          el("label", { text: "Column: " }, colSlider),
        ),
        readout,
        maps,
      );
      limits();
      show();
    });
  };

  // Numbers typed into a box, comma separated; null if any is not a number.
  const numbers = (text) => {
    const values = text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map(MicroGPT.decimal);
    return values.length && values.every((v) => v !== null) ? values : null;
  };
  // Sampled names, comma separated; a name of no letters (BOS at once) is shown as such, not as ", ,".
  const namesList = (names) => names.map((name) => name || "(empty)").join(", ");
  const shortNumber = (v) => String(Number(v.toFixed(4))); // at most 4 decimals, no trailing zeros

  // 1.3: one dot product, term by term: what linear() computes for each row of w.
  MicroGPT.widgets["dot-product"] = (root) => {
    const x = el("input", {
      type: "text",
      value: MicroGPT.state.get("x") ?? "2, 1, 0, -1",
      "aria-label": "the input vector x, comma separated",
      spellcheck: "false",
    });
    const w = el("input", {
      type: "text",
      value: MicroGPT.state.get("w") ?? "1, 0, -1, 0.5",
      "aria-label": "one row of weights w, comma separated",
      spellcheck: "false",
    });
    const out = el("div", { "aria-live": "polite" });
    const show = () => {
      const xs = numbers(x.value),
        ws = numbers(w.value);
      out.replaceChildren();
      if (!xs || !ws) {
        [
          [xs, "x"],
          [ws, "w"],
        ].forEach(([values, name]) => {
          if (!values)
            out.append(error(`${name} is not a list of numbers: type numbers separated by commas, e.g. 2, 1, 0, -1`));
        });
        return;
      }
      if (xs.length !== ws.length) {
        out.append(error(`x has ${xs.length} numbers and w has ${ws.length}: a dot product needs as many of each.`));
        return;
      }
      const terms = ws.map((wi, i) => wi * xs[i]);
      const sum = terms.reduce((a, b) => a + b, 0); // left to right, as Python's sum()
      if (!Number.isFinite(sum)) {
        out.append(
          error(
            "These numbers are too large: a product or the sum passes 1.8e308, the largest float. Use smaller ones.",
          ),
        );
        return;
      }
      const list = el("ul", { class: "mg-terms" });
      terms.forEach((t, i) => {
        list.append(
          el(
            "li",
            {},
            `w[${i}] × x[${i}] = ${shortNumber(ws[i])} × ${shortNumber(xs[i])} = `,
            el("span", { class: "mg-term", text: shortNumber(t) }),
          ),
        );
      });
      out.append(
        list,
        el(
          "p",
          {},
          `Sum: ${terms.map((t) => (t < 0 ? `(${shortNumber(t)})` : shortNumber(t))).join(" + ")} = `,
          el("b", { class: "mg-dot", text: shortNumber(sum) }),
        ),
      );
    };
    [x, w].forEach((box, i) => {
      box.addEventListener("input", () => {
        MicroGPT.state.set(i ? "w" : "x", box.value);
        show();
      });
    });
    root.append(
      el("p", { text: "Edit x and one row w of a matrix, and follow the dot product term by term:" }),
      el("div", { class: "mg-controls" }, el("label", { text: "x = " }, x), el("label", { text: "w = " }, w)),
      out,
    );
    show();
  };

  // 1.3: edit logits, see softmax(logits / T); a small T gives the largest logit nearly everything.
  const TEMPERATURES = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];
  MicroGPT.widgets.softmax = (root) => {
    const input = el("input", {
      type: "text",
      value: "2, 1, 0",
      "aria-label": "logits, comma separated",
      spellcheck: "false",
    });
    const stored = TEMPERATURES.indexOf(MicroGPT.state.number("T"));
    const slider = el("input", {
      type: "range",
      min: "0",
      max: String(TEMPERATURES.length - 1),
      step: "1",
      value: String(stored >= 0 ? stored : TEMPERATURES.indexOf(1)),
      "aria-label": "temperature T",
    });
    const value = el("output");
    const out = el("div", { "aria-live": "polite" });
    const show = () => {
      const logits = numbers(input.value),
        T = TEMPERATURES[Number(slider.value)];
      value.textContent = String(T);
      out.replaceChildren();
      if (!logits) {
        out.append(error("Type numbers separated by commas, e.g. 2, 1, 0"));
        return;
      }
      out.append(
        bars(softmax(logits.map((v) => v / T)), logits.map(String), 3),
        el("p", {
          text:
            T === 1
              ? "The probabilities add up to 1. Add the same number to every logit: nothing changes."
              : T < 1
                ? "T below 1 stretches the gaps between the logits: the largest takes more; near T = 0.01 it takes " +
                  "(almost) everything, winner take all."
                : "T above 1 shrinks the gaps: the probabilities move toward equal.",
        }),
      );
    };
    input.addEventListener("input", show);
    slider.addEventListener("input", () => {
      MicroGPT.state.set("T", String(TEMPERATURES[Number(slider.value)]));
      show();
    });
    root.append(
      el("label", { text: "Logits: " }, input),
      el("label", { class: "mg-temperature", text: "Temperature T = " }, slider, value),
      out,
    );
    show();
  };

  // 1.6: a curve, a point, and the slope of a secant of width eps.
  MicroGPT.widgets.slope = (root) => {
    const f = (x) => (x * x * x) / 3 - x,
      df = (x) => x * x - 1;
    const x0 = 1.5,
      W = 320,
      H = 200,
      xs = [-2.5, 2.5],
      ys = [-2.5, 3];
    const px = (x) => ((x - xs[0]) / (xs[1] - xs[0])) * W,
      py = (y) => H - ((y - ys[0]) / (ys[1] - ys[0])) * H;
    const slider = el("input", {
      type: "range",
      min: "-12",
      max: "0",
      step: "0.5",
      value: "-1",
      "aria-label": "log10 of eps",
    });
    const svg = svgElement(W, H, "mg-plot");
    const text = el("p", { class: "mg-slope", "aria-live": "polite" });
    let curve = "";
    for (let i = 0; i <= 100; i++) {
      const x = xs[0] + (i / 100) * (xs[1] - xs[0]);
      curve += `${(i ? "L" : "M") + px(x).toFixed(1)} ${py(f(x)).toFixed(1)}`;
    }
    const show = () => {
      const eps = 10 ** Number(slider.value);
      const slope = (f(x0 + eps) - f(x0)) / eps;
      const line = (s) => `M${px(xs[0])} ${py(f(x0) + s * (xs[0] - x0))} L${px(xs[1])} ${py(f(x0) + s * (xs[1] - x0))}`;
      svg.innerHTML =
        `<path d="${curve}" class="mg-curve"/><path d="${line(df(x0))}" class="mg-tangent"/>` +
        `<path d="${line(slope)}" class="mg-secant"/><circle cx="${px(x0)}" cy="${py(f(x0))}" r="4" ` +
        `class="mg-point"/>` +
        (eps > 0.05 ? `<circle cx="${px(x0 + eps)}" cy="${py(f(x0 + eps))}" r="3" class="mg-point2"/>` : "");
      text.textContent =
        `eps = ${eps.toExponential(0)}: measured slope ${slope.toPrecision(10)}, true slope ` +
        `${df(x0).toPrecision(10)}, error ${Math.abs(slope - df(x0)).toExponential(1)}`;
    };
    slider.addEventListener("input", show);
    root.append(
      el("p", {
        text:
          "f(x) = x³/3 − x at x = 1.5. The dashed line is the true tangent; the solid one joins f(x) and f(x + " +
          "eps).",
      }),
      svg,
      el("label", { text: "eps = 10^" }, slider),
      text,
    );
    show();
  };

  // 1.9: temperature reshapes the trained model's first-letter distribution.
  MicroGPT.widgets.temperature = (root) => {
    withData(root, "temperature", (table) => {
      const slider = el("input", {
        type: "range",
        min: "0",
        max: String(table.temperatures.length - 1),
        step: "1",
        value: String(table.temperatures.indexOf(0.5)),
        "aria-label": "temperature",
      });
      const value = el("output");
      const out = el("div");
      const show = () => {
        const i = Number(slider.value);
        value.textContent = table.temperatures[i].toFixed(2);
        out.replaceChildren(bars(table.probs[i], table.labels, 3));
      };
      slider.addEventListener("input", show);
      root.append(
        el("p", {
          text: "How the trained Step 1 model picks the first letter of a name: softmax(logits / T) after BOS.",
        }),
        el("label", { text: "T = " }, slider, value),
        out,
      );
      show();
    });
  };

  const fixed = (v, digits) => (Object.is(v, -0) ? 0 : v).toFixed(digits);
  const sci = (v, digits) => v.toExponential(digits);
  const epsText = (e) => (e === 1 ? "1" : sci(e, 0));

  // A strip of bars around a zero line, one per value, scaled by `biggest`.
  function strip(values, biggest, labels) {
    const bar = 12,
      height = labels ? 70 : 56,
      middle = 28,
      half = 26;
    const svg = svgElement(values.length * bar, height, "mg-strip");
    svg.setAttribute("aria-hidden", "true");
    svg.style.width = `${values.length * bar}px`; // one scale for every strip; phones shrink the long ones
    svgChild(svg, "line", { x1: 0, x2: values.length * bar, y1: middle, y2: middle, class: "mg-strip-axis" });
    values.forEach((v, i) => {
      const length = (half * Math.abs(v)) / biggest;
      svgChild(svg, "rect", {
        x: i * bar + 1,
        width: bar - 2,
        y: v >= 0 ? middle - length : middle,
        height: Math.max(length, 0.5),
        class: v >= 0 ? "mg-strip-up" : "mg-strip-down",
      });
      if (labels) svgChild(svg, "text", { x: i * bar + bar / 2, y: height - 4, class: "mg-strip-label" }, labels[i]);
    });
    return svg;
  }

  // 1.4: the trained Step 1 model, move by move, for one token.
  MicroGPT.widgets["mlp-layers"] = (root) => {
    withData(root, "mlp-layers", (data) => {
      const moves = ["embedding", "hidden", "relu", "logits", "probs"];
      const biggest = {}; // one scale per move, over all tokens, so tokens compare
      moves.forEach((m) => {
        biggest[m] = Math.max(1e-12, ...data.layers.flatMap((t) => t[m].map(Math.abs)));
      });
      biggest.relu = biggest.hidden;
      const letters = data.labels.map((l) => (l === "BOS" ? "·" : l));
      const select = el("select", { "aria-label": "current token" });
      data.labels.forEach((label, i) => {
        select.append(el("option", { value: String(i), text: label }));
      });
      const example = data.example,
        pairs = example.tokens.length - 1;
      const pairSelect = el("select", { "aria-label": `pair of "${example.name}"` });
      pairSelect.append(el("option", { value: "-1", text: "none" }));
      for (let k = 0; k < pairs; k++) {
        const [a, b] = [example.tokens[k], example.tokens[k + 1]].map((t) => data.labels[t]);
        pairSelect.append(el("option", { value: String(k), text: `${k + 1}: ${a} → ${b}` }));
      }
      const pairText = el("p", { class: "mg-pair" });
      const out = el("div", { class: "mg-layers", "aria-live": "polite" });
      let pair = -1; // the pair of the example shown, or -1 when the reader picked a token

      const row = (title, caption, svg) =>
        el(
          "div",
          { class: "mg-layer" },
          el(
            "p",
            { class: "mg-layer-title" },
            el("strong", { text: title }),
            " ",
            el("span", { class: "mg-layer-caption", text: caption }),
          ),
          svg,
        );
      const range = (values) => `from ${fixed(Math.min(...values), 3)} to ${fixed(Math.max(...values), 3)}`;

      function show(tokenId) {
        const t = data.layers[tokenId],
          label = data.labels[tokenId];
        const top = t.logits.indexOf(Math.max(...t.logits));
        const order = t.probs
          .map((_, i) => i)
          .sort((a, b) => t.probs[b] - t.probs[a])
          .slice(0, 5);
        select.value = String(tokenId);
        state.set("token", label);
        out.replaceChildren(
          row(
            `embedding wte[${label}]`,
            `${t.embedding.length} numbers, ${range(t.embedding)}`,
            strip(t.embedding, biggest.embedding),
          ),
          row(
            "hidden layer, before ReLU",
            `${t.hidden.length} numbers, ${range(t.hidden)}`,
            strip(t.hidden, biggest.hidden),
          ),
          row(
            "after ReLU",
            `${plural(data.switched_off[tokenId], "unit")} of ${t.relu.length} switched off (set to 0)`,
            strip(t.relu, biggest.relu),
          ),
          row(
            "logits",
            `${t.logits.length} scores; the largest, ${fixed(t.logits[top], 3)}, is for ${data.labels[top]}`,
            strip(t.logits, biggest.logits, letters),
          ),
          row(
            "probabilities (softmax of the logits)",
            "the five most likely next tokens:",
            strip(t.probs, biggest.probs, letters),
          ),
          bars(
            order.map((i) => t.probs[i]),
            order.map((i) => data.labels[i]),
            3,
          ),
        );
        if (pair >= 0) {
          const next = example.tokens[pair + 1];
          pairText.textContent =
            `Pair ${pair + 1} of ${pairs} of "${example.name}": after ${label} comes ` +
            `${data.labels[next]}, to which the model gives p = ${fixed(t.probs[next], 3)}.`;
        } else
          pairText.textContent =
            `The current token is ${label}. Pick another, or a pair of "${example.name}" (the ` +
            `arrow keys step through them).`;
      }

      select.addEventListener("change", () => {
        pair = -1;
        pairSelect.value = "-1";
        show(Number(select.value));
      });
      pairSelect.addEventListener("change", () => {
        pair = Number(pairSelect.value);
        show(pair >= 0 ? example.tokens[pair] : Number(select.value));
      });
      root.append(
        el("p", {
          text:
            "The trained Step 1 model reading one token: its embedding, the hidden layer, ReLU, the logits and " +
            "the probabilities of the next token. Bars above the line are positive, below negative; each move " +
            "keeps one scale for all tokens.",
        }),
        el(
          "div",
          { class: "mg-controls" },
          el("label", { text: "Current token: " }, select),
          el("label", { text: `or a pair of "${example.name}": ` }, pairSelect),
        ),
        pairText,
        out,
      );
      const asked = data.labels.indexOf(state.get("token") || "");
      show(asked >= 0 ? asked : example.tokens[0]);
    });
  };

  // 1.6: the real loss along one real weight, its forward differences and its true slope.
  MicroGPT.widgets["loss-slope"] = (root) => {
    withData(root, "loss-slope", (data) => {
      const [matrix, r, c] = data.place;
      const W = 360,
        H = 220,
        pad = 50;
      const xs = data.curve.offsets.map((d) => data.weight + d),
        ys = data.curve.losses;
      const x0 = Math.min(...xs),
        x1 = Math.max(...xs);
      const y0 = Math.min(...ys),
        y1 = Math.max(...ys),
        margin = (y1 - y0) * 0.08;
      const px = (x) => pad + ((x - x0) / (x1 - x0)) * (W - pad - 8);
      const py = (y) => 8 + (1 - (y - (y0 - margin)) / (y1 - y0 + 2 * margin)) * (H - pad - 8);
      const curve = svgElement(W, H, "mg-plot mg-slope-plot");
      curve.setAttribute("role", "img");
      curve.setAttribute(
        "aria-label",
        `The loss of "${data.doc}" as ${matrix}[${r}][${c}] moves, with the tangent and the line through the two ` +
          `points`,
      );
      const errors = svgElement(W, H, "mg-plot mg-slope-plot");
      errors.setAttribute("role", "img");
      errors.setAttribute(
        "aria-label",
        "The size of the difference between measured and true slope for every eps, on logarithmic scales",
      );

      const slider = el("input", {
        type: "range",
        min: "0",
        max: String(data.epsilons.length - 1),
        step: "1",
        "aria-label": "eps",
      });
      const eps = el("output");
      const text = el("div", { class: "mg-slope-readout", "aria-live": "polite" });

      // the error plot: log10 |difference| against log10 eps
      const lx = data.epsilons.map(Math.log10),
        ly = data.differences.map((d) => Math.log10(Math.max(Math.abs(d), 1e-17)));
      const ex0 = Math.min(...lx),
        ex1 = Math.max(...lx),
        ey0 = Math.floor(Math.min(...ly)),
        ey1 = Math.ceil(Math.max(...ly));
      const qx = (v) => pad + ((v - ex0) / (ex1 - ex0)) * (W - pad - 8); // small eps on the left, as on the slider
      const qy = (v) => 8 + (1 - (v - ey0) / (ey1 - ey0)) * (H - pad - 8);

      function axes(svg, xLabel, yLabel) {
        svgChild(svg, "line", { x1: pad, x2: W - 8, y1: H - pad, y2: H - pad, class: "mg-axis" });
        svgChild(svg, "line", { x1: pad, x2: pad, y1: 8, y2: H - pad, class: "mg-axis" });
        svgChild(svg, "text", { x: (W + pad) / 2, y: H - 8, class: "mg-axis-label" }, xLabel);
        svgChild(
          svg,
          "text",
          { x: 12, y: (H - pad) / 2, class: "mg-axis-label", transform: `rotate(-90 12 ${(H - pad) / 2})` },
          yLabel,
        );
      }
      // the slider runs from the smallest eps on the left to the largest on the right
      const chosen = () => data.epsilons.length - 1 - Number(slider.value);

      function show() {
        const i = chosen(),
          e = data.epsilons[i];
        const slope = data.slopes[i],
          diff = data.differences[i];
        eps.textContent = epsText(e);
        slider.setAttribute("aria-valuetext", `eps ${epsText(e)}`);
        state.set("eps", epsText(e));
        const reach = 0.3 * (x1 - x0); // each line spans the weight +- this much
        const line = (s, cls) =>
          svgChild(curve, "path", {
            class: cls,
            d:
              `M${px(data.weight - reach)} ${py(data.loss - s * reach)} L${px(data.weight + reach)} ` +
              `${py(data.loss + s * reach)}`,
          });
        curve.replaceChildren();
        axes(curve, `${matrix}[${r}][${c}]`, `loss of "${data.doc}"`);
        [y0, y1].forEach((y) => {
          svgChild(curve, "text", { x: pad - 4, y: py(y) + 3, class: "mg-model-tick" }, y.toFixed(3));
        });
        svgChild(
          curve,
          "text",
          { x: px(data.weight), y: H - pad + 13, class: "mg-axis-label" },
          data.weight.toFixed(3),
        );
        svgChild(curve, "path", {
          class: "mg-curve",
          d: xs.map((x, k) => `${(k ? "L" : "M") + px(x).toFixed(1)} ${py(ys[k]).toFixed(1)}`).join(""),
        });
        line(data.true_slope, "mg-tangent");
        line(slope, "mg-secant");
        svgChild(curve, "circle", { cx: px(data.weight), cy: py(data.loss), r: 4, class: "mg-point" });
        if (px(data.weight + e) - px(data.weight) > 4)
          svgChild(curve, "circle", { cx: px(data.weight + e), cy: py(data.nudged[i]), r: 3, class: "mg-point2" });

        errors.replaceChildren();
        axes(errors, "eps, from 1e-12 to 1", "|measured − true slope|");
        for (let k = ey0; k <= ey1; k += 2)
          svgChild(errors, "text", { x: pad - 4, y: qy(k) + 3, class: "mg-model-tick" }, `1e${k}`);
        svgChild(errors, "path", {
          class: "mg-curve",
          d: lx.map((v, k) => `${(k ? "L" : "M") + qx(v).toFixed(1)} ${qy(ly[k]).toFixed(1)}`).join(""),
        });
        svgChild(errors, "circle", { cx: qx(lx[i]), cy: qy(ly[i]), r: 5, class: "mg-point2" });

        text.replaceChildren(
          el(
            "p",
            {},
            "eps = ",
            el("span", { class: "mg-eps", text: epsText(e) }),
            `: the loss moves from ${data.loss.toFixed(10)} to ${data.nudged[i].toFixed(10)}`,
          ),
          el("p", {}, "measured slope ", el("strong", { class: "mg-measured", text: sci(slope, 9) })),
          el(
            "p",
            {},
            "true slope (analytic_gradient) ",
            el("strong", { class: "mg-true", text: sci(data.true_slope, 9) }),
          ),
          el("p", {}, "difference ", el("strong", { class: "mg-difference", text: sci(diff, 2) })),
        );
      }
      const asked = data.epsilons.findIndex((e) => epsText(e) === state.get("eps"));
      slider.value = String(data.epsilons.length - 1 - (asked >= 0 ? asked : data.epsilons.indexOf(data.default_eps)));
      slider.addEventListener("input", show);
      root.append(
        el("p", {
          text:
            `The loss of "${data.doc}" with the initial weights, as one weight moves: ${matrix}[${r}][${c}] ` +
            `(weight number ${data.index}, the one with the steepest slope), now ${data.weight.toFixed(4)}. ` +
            `Dashed: the tangent, with the true slope. Solid: the line through the loss at the weight and at the ` +
            `weight + eps.`,
        }),
        el("div", { class: "mg-plots" }, curve, errors),
        el("label", { text: "eps = " }, slider, eps),
        text,
      );
      show();
    });
  };

  // 1.8: both gradients of every weight; hover a dot, or pick a weight by number.
  MicroGPT.widgets["gradient-check"] = (root) => {
    withData(root, "gradient-check", (data) => {
      const n = data.weights.length,
        W = 360,
        H = 360,
        pad = 52;
      const analytic = data.weights.map((w) => w[0]),
        numerical = data.weights.map((w) => w[1]);
      const biggest = Math.max(...analytic.map(Math.abs), ...numerical.map(Math.abs)) * 1.05;
      const p = (v) => pad + ((v + biggest) / (2 * biggest)) * (W - pad - 8);
      const q = (v) => 8 + (1 - (v + biggest) / (2 * biggest)) * (H - pad - 8);
      const svg = svgElement(W, H, "mg-plot mg-scatter");
      svg.setAttribute("role", "img");
      svg.setAttribute(
        "aria-label",
        `numerical against analytic gradient of all ${n} weights for "${data.doc}"; pick a weight with the slider ` +
          `below`,
      );
      svgChild(svg, "line", { x1: p(-biggest), y1: q(-biggest), x2: p(biggest), y2: q(biggest), class: "mg-diagonal" });
      svgChild(svg, "line", { x1: pad, x2: W - 8, y1: H - pad, y2: H - pad, class: "mg-axis" });
      svgChild(svg, "line", { x1: pad, x2: pad, y1: 8, y2: H - pad, class: "mg-axis" });
      svgChild(svg, "text", { x: (W + pad) / 2, y: H - 10, class: "mg-axis-label" }, "analytic gradient");
      svgChild(
        svg,
        "text",
        { x: 12, y: (H - pad) / 2, class: "mg-axis-label", transform: `rotate(-90 12 ${(H - pad) / 2})` },
        "numerical gradient",
      );
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

      const slider = el("input", {
        type: "range",
        min: "0",
        max: String(n - 1),
        step: "1",
        "aria-label": "weight number",
      });
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
          el(
            "p",
            {},
            "weight number ",
            el("strong", { class: "mg-index", text: String(i) }),
            ": ",
            el("code", { class: "mg-place", text: `${name}[${r}][${c}]` }),
            ` (matrix ${name}, row ${r}, column ${c})`,
          ),
          el(
            "p",
            {},
            "analytic ",
            el("strong", { class: "mg-analytic", text: sci(analytic[i], 5) }),
            ", numerical ",
            el("strong", { class: "mg-numerical", text: sci(numerical[i], 5) }),
          ),
          el(
            "p",
            {},
            "numerical − analytic ",
            el("strong", { class: "mg-difference", text: sci(data.weights[i][2], 1) }),
          ),
        );
      }
      svg.addEventListener("pointermove", (event) => {
        const box = svg.getBoundingClientRect(),
          scale = W / box.width;
        const x = (event.clientX - box.left) * scale,
          y = (event.clientY - box.top) * scale;
        let best = 0,
          bestDistance = Infinity;
        for (let i = 0; i < n; i++) {
          const distance = (p(analytic[i]) - x) ** 2 + (q(numerical[i]) - y) ** 2;
          if (distance < bestDistance) {
            best = i;
            bestDistance = distance;
          }
        }
        show(best);
      });
      slider.addEventListener("input", () => show(Number(slider.value)));
      const jump = el("select", { "aria-label": "go to a weight" });
      [
        ["", "pick…"],
        [String(data.largest_slope), "the largest slope"],
        [String(data.largest_difference), "the largest difference"],
      ].forEach(([value, text]) => {
        jump.append(el("option", { value: value, text: text }));
      });
      jump.addEventListener("change", () => {
        if (jump.value) show(Number(jump.value));
      });
      root.append(
        el("p", {
          text:
            `Every dot is one of the ${n} weights, for the name "${data.doc}" at the initial weights (eps = ` +
            `${sci(data.eps, 0)}). Hover a dot, or pick a weight by its number in parameters(state_dict).`,
        }),
        svg,
        el("label", { text: "weight number " }, slider, number),
        el("div", { class: "mg-controls" }, el("label", { text: "Go to " }, jump)),
        readout,
      );
      show(state.integer("weight", 0, n - 1) ?? data.largest_slope);
    });
  };

  // 1.9 and 5.4, "Train in your browser": a step's own program (its run(),
  // through microgpt.live.train) runs in this tab's Python, and the panel draws
  // each step's loss as it arrives: faint, the loss of each name; solid, the
  // mean of the last WINDOW names (microgpt.live sends it), the curve of the
  // page's static picture. At the end it lists the generated names. A page asks for it with
  //   <div class="mg-widget" data-widget="live-training" data-program="step1"></div>
  // (programs: microgpt/steps.py PROGRAMS). data-learning-rate="1.0" shows the
  // learning-rate setting with that default.
  const CHART_W = 480,
    CHART_H = 200,
    LOSS_LOW = 1.5,
    LOSS_HIGH = 3.8;

  // A number field; the address's value for `key` if it is a (whole, for `whole`) number in [lo, hi], else `value`.
  function number(label, key, value, attrs, { whole = false, lo = -Infinity, hi = Infinity } = {}) {
    const asked = whole ? state.integer(key, lo, hi) : state.number(key, lo, hi);
    const input = el("input", {
      type: "number",
      value: String(asked ?? value),
      "aria-label": label,
      ...attrs,
    });
    return { input, field: el("label", { class: "mg-live-field" }, `${label} `, input), key };
  }

  // Loss ticks on the left, the first and last step below, drawn in the plot's own units.
  function axes(steps) {
    const group = document.createDocumentFragment();
    const y = (loss) => CHART_H - ((loss - LOSS_LOW) / (LOSS_HIGH - LOSS_LOW)) * CHART_H;
    svgChild(group, "line", { x1: 0, y1: CHART_H, x2: CHART_W, y2: CHART_H, class: "mg-live-axis" });
    for (let loss = 2; loss <= LOSS_HIGH; loss += 0.5) {
      svgChild(group, "line", {
        x1: 0,
        y1: y(loss),
        x2: CHART_W,
        y2: y(loss),
        class: "mg-live-axis",
        "stroke-dasharray": "2 4",
      });
      svgChild(group, "text", { x: 2, y: y(loss) - 2, class: "mg-live-tick" }, `loss ${loss.toFixed(1)}`);
    }
    svgChild(group, "text", { x: 0, y: CHART_H + 12, class: "mg-live-tick" }, "step 1");
    svgChild(
      group,
      "text",
      { x: CHART_W, y: CHART_H + 12, class: "mg-live-tick", "text-anchor": "end" },
      `step ${steps}`,
    );
    return group;
  }

  // What each setting accepts (microgpt.config.RunConfig checks the same in Python, but only once it has loaded),
  // and what to say otherwise.
  const MAX_STEPS = 10000,
    MIN_TEMPERATURE = 0.001;
  const RULES = {
    steps: { whole: true, lo: 1, hi: MAX_STEPS, says: `Steps must be a whole number from 1 to ${MAX_STEPS}.` },
    lr: { lo: 0, hi: Infinity, says: "The learning rate must be a number of at least 0, e.g. 1.0." },
    temperature: {
      lo: MIN_TEMPERATURE,
      hi: Infinity,
      says: `The temperature must be a number of at least ${MIN_TEMPERATURE}, e.g. 0.5.`,
    },
    seed: { whole: true, lo: -Infinity, hi: Infinity, says: "The seed must be a whole number, e.g. 42." },
  };
  // The reader's own names: as many and as long as names.txt's (the gradient check before step 1 grows with
  // the first name's length, and Steps 3-5 see 16 positions at most).
  const MAX_OWN_NAMES = 50000,
    MAX_NAME_LENGTH = 15;
  // What is wrong with the pasted names, or null.
  function ownNamesProblem(text) {
    const lines = text.split("\n").map((line) => line.trim());
    const count = lines.filter(Boolean).length;
    if (count > MAX_OWN_NAMES)
      return `You pasted ${count.toLocaleString("en")} names; at most ${MAX_OWN_NAMES.toLocaleString("en")}, please.`;
    const long = lines.findIndex((line) => [...line].length > MAX_NAME_LENGTH);
    if (long >= 0)
      return (
        `Line ${long + 1} of your names has ${[...lines[long]].length} characters; ` +
        `a name may have at most ${MAX_NAME_LENGTH}, like the longest of names.txt.`
      );
    return null;
  }

  // The settings as numbers, or the first one that is not acceptable (its message).
  function readSettings(fields) {
    const values = {};
    for (const f of fields) {
      const rule = RULES[f.key],
        value = rule.whole ? MicroGPT.wholeNumber(f.input.value) : MicroGPT.decimal(f.input.value);
      if (value === null || value < rule.lo || value > rule.hi) return { problem: rule.says };
      values[f.key] = value;
    }
    return { values };
  }

  MicroGPT.widgets["live-training"] = (root) => {
    const program = root.dataset.program || "step1";
    const fields = [
      number("steps", "steps", 1000, { min: "1", max: String(MAX_STEPS), step: "1" }, RULES.steps),
      ...(root.dataset.learningRate
        ? [number("learning rate", "lr", Number(root.dataset.learningRate), { min: "0", step: "any" }, RULES.lr)]
        : []),
      number("temperature", "temperature", 0.5, { min: String(MIN_TEMPERATURE), step: "0.05" }, RULES.temperature),
      number("seed", "seed", 42, { step: "1" }, RULES.seed),
    ];
    const engines = program.startsWith("step5")
      ? el(
          "select",
          { "aria-label": "engine" },
          el("option", { value: "step5-fast", text: "fast engine (the same numbers, much faster)" }),
          el("option", { value: "step5", text: "Step 5 as written (Value autograd; slow)" }),
        )
      : null;
    // Step 1's program checks its gradient numerically before step 1, one forward pass per weight: longer than
    // 1,000 steps of training in a browser. Training is the same without it (microgpt.live.gradient_check), so
    // the reader asks for it.
    const check =
      program === "step1" ? el("input", { type: "checkbox", "aria-label": "check the gradient first" }) : null;
    const names = el("textarea", {
      rows: "4",
      "aria-label": "your own names, one per line",
      placeholder: "one name per line, e.g.\nanna\nbob",
      spellcheck: "false",
    });
    const own = el(
      "details",
      { class: "mg-live-own" },
      el("summary", { text: "Train on your own names" }),
      el("p", { text: "Paste names, one per line. Leave empty for names.txt." }),
      names,
    );
    // data-python: pressing it starts Python (the keyboard check of every page leaves those alone)
    const train = el("button", {
      type: "button",
      class: "mg-run-button mg-primary",
      text: "Train in your browser",
      "data-python": "",
    });
    const stop = el("button", { type: "button", class: "mg-run-button", text: "Stop", "data-python": "" });
    stop.hidden = true;
    const status = el("p", {
      class: "mg-live-status",
      "aria-live": "polite",
      text: "Runs the real package in this tab; nothing leaves your computer.",
    });
    const svg = svgElement(CHART_W, CHART_H + 16, "mg-plot mg-wide mg-live-chart");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "loss at each training step, drawn as training runs");
    const samples = el("p", { class: "mg-live-samples", "aria-live": "polite" });
    root.append(
      el(
        "div",
        { class: "mg-live-settings" },
        ...fields.map((f) => f.field),
        ...(engines ? [el("label", { class: "mg-live-field" }, "engine ", engines)] : []),
        ...(check
          ? [el("label", { class: "mg-live-field" }, check, " check the gradient first (one forward pass per weight)")]
          : []),
      ),
      own,
      el("div", { class: "mg-live-buttons" }, train, stop),
      status,
      svg,
      samples,
    );

    svg.replaceChildren(axes(Number(fields[0].input.value) || 1000));
    const describe = () => {
      if (running) return;
      const own = names.value.trim()
        ? names.value
            .trim()
            .split("\n")
            .filter((line) => line.trim()).length
        : 0;
      status.textContent =
        "Ready: " +
        fields.map((f) => `${f.field.firstChild.textContent.trim()} ${f.input.value}`).join(", ") +
        (engines ? `, ${engines.selectedOptions[0].textContent.split(" (")[0]}` : "") +
        (check?.checked ? ", the gradient checked first" : "") +
        (own ? `, on your ${own} name${own === 1 ? "" : "s"}` : ", on names.txt") +
        ". Runs the real package in this tab; nothing leaves your computer.";
    };
    [...fields.map((f) => f.input), names].forEach((input) => {
      input.addEventListener("input", describe);
    });
    [engines, check].forEach((input) => {
      input?.addEventListener("change", describe);
    });

    let running = false;
    describe();
    async function start() {
      const { values, problem } = readSettings(fields);
      const namesProblem = ownNamesProblem(names.value);
      if (problem || namesProblem) {
        status.replaceChildren(error(problem || namesProblem));
        return;
      }
      const steps = values.steps;
      fields.forEach((f) => {
        state.set(f.key, f.input.value);
      });
      running = true;
      train.disabled = true;
      stop.hidden = false;
      samples.textContent = "";
      const x = (step) => (step / Math.max(steps - 1, 1)) * CHART_W,
        y = (loss) =>
          CHART_H - ((Math.min(Math.max(loss, LOSS_LOW), LOSS_HIGH) - LOSS_LOW) / (LOSS_HIGH - LOSS_LOW)) * CHART_H;
      svg.replaceChildren(axes(steps));
      const raw = svgChild(svg, "path", { class: "mg-live-raw" });
      const smooth = svgChild(svg, "path", { class: `mg-series mg-step-${program.charAt(4)}` });
      let rawPath = "",
        smoothPath = "",
        last = null;
      const started = performance.now();
      status.textContent = MicroGPT.python.ready() ? "Training…" : "Starting Python in your browser (once per tab)…";
      const loading = (s) => {
        if (running && s.state === "loading" && s.total)
          status.textContent =
            `Starting Python, ${s.phase}: ${(s.loaded / 1e6).toFixed(1)} of ${(s.total / 1e6).toFixed(1)} ` +
            `MB, ${s.seconds.toFixed(1)} s`;
      };
      const unsubscribe = MicroGPT.python.onStatus(loading);
      // Until step 1, what Python is doing, with a clock; the gradient check (when asked for) with its progress.
      let printed = "",
        firstPhase = "preparing step 1";
      const checking = Boolean(check?.checked);
      const beforeFirstStep = setInterval(() => {
        if (!running || last !== null || !MicroGPT.python.started() || !printed) return;
        const seconds = ((performance.now() - started) / 1000).toFixed(0);
        status.textContent = `${printed} ${firstPhase}… ${seconds} s`;
      }, 250);
      let firstStep = null,
        averagingWindow = null; // microgpt.live sends the window with the steps
      const result = await MicroGPT.python.train(
        {
          program: engines ? engines.value : program,
          num_steps: steps,
          learning_rate: values.lr ?? null,
          temperature: values.temperature,
          seed: values.seed,
          names: names.value.trim() ? names.value : null,
          check_gradient: checking,
        },
        {
          onOutput(text) {
            if (text.startsWith("num params")) printed = `Python is ready: ${text.trim()}.`;
          },
          onCheck(done, total) {
            firstPhase =
              `Checking the gradient numerically before step 1: ${done.toLocaleString("en")} of ` +
              `${total.toLocaleString("en")} forward passes (one per weight)`;
          },
          onSteps(points, size) {
            if (!points.length) return;
            if (firstStep === null) firstStep = performance.now();
            averagingWindow = size;
            points.forEach(([step, loss, mean]) => {
              rawPath += `${(step ? "L" : "M") + x(step).toFixed(1)} ${y(loss).toFixed(1)}`;
              smoothPath += `${(step ? "L" : "M") + x(step).toFixed(1)} ${y(mean).toFixed(1)}`;
              last = { step, loss, mean };
            });
            raw.setAttribute("d", rawPath);
            smooth.setAttribute("d", smoothPath);
            // the speed once steps have run since the first one arrived
            const perSecond = last.step / Math.max((performance.now() - firstStep) / 1000, 1e-3);
            const speed = last.step ? ` · ${perSecond.toFixed(perSecond < 10 ? 1 : 0)} steps/s` : "";
            status.textContent =
              `step ${last.step + 1} / ${steps} · loss ${last.loss.toFixed(4)} · mean of the ` +
              `last ${averagingWindow}: ${last.mean.toFixed(4)}${speed}`;
          },
        },
      );
      unsubscribe();
      clearInterval(beforeFirstStep);
      running = false;
      train.disabled = false;
      stop.hidden = true;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (result.ok) {
        root.dataset.finalMean = result.result.final_smoothed.toFixed(4);
        status.textContent =
          `Done: ${plural(steps, "step")} in ${seconds} s (${result.result.seconds.toFixed(1)} s of ` +
          `training). Mean loss of the last ${averagingWindow} names: ${result.result.final_smoothed.toFixed(4)}.`;
        samples.replaceChildren(el("strong", { text: "Names it made: " }), namesList(result.result.samples));
      } else {
        const where = last ? ` after step ${last.step + 1}.` : checking ? " during the gradient check." : ".";
        status.replaceChildren(
          result.stopped ? (result.reset ? result.message : `Stopped${where}`) : error(result.message),
        );
      }
    }
    train.addEventListener("click", start);
    stop.addEventListener("click", () => MicroGPT.python.stop());
  };

  // 1.9 and 5.4, "Sample": new names from a trained model, drawn in the reader's
  // browser by the package itself (microgpt.live.sample on the weights of
  // widgets/model-STEP.json). The seed is shown and kept in the address, so
  // the same settings give the same names, here or in a terminal.
  //   <div class="mg-widget" data-widget="sample-names" data-model="step5"></div>
  const SAMPLES = 10; // names per press
  MicroGPT.widgets["sample-names"] = (root) => {
    const model = root.dataset.model || "step5";
    const temperature = el("input", {
      type: "range",
      min: "0.1",
      max: "2",
      step: "0.05",
      value: String(state.number("T", 0.1, 2) ?? 0.5),
      "aria-label": "temperature",
    });
    const shownT = el("output", { text: Number(temperature.value).toFixed(2) });
    const seed = el("input", {
      type: "number",
      step: "1",
      value: String(state.integer("seed") ?? 42),
      "aria-label": "seed",
    });
    const button = el("button", {
      type: "button",
      class: "mg-run-button mg-primary",
      text: `Sample ${SAMPLES} names`,
      "data-python": "",
    });
    const status = el("p", {
      class: "mg-readout",
      "aria-live": "polite",
      text: "Runs the trained model in your browser (Python starts on first use).",
    });
    const names = el("p", { class: "mg-sampled-names", "aria-live": "polite" });
    temperature.addEventListener("input", () => (shownT.textContent = Number(temperature.value).toFixed(2)));
    seed.addEventListener(
      "input",
      () => (status.textContent = `Ready: seed ${seed.value}, T = ${Number(temperature.value).toFixed(2)}.`),
    );

    button.addEventListener("click", async () => {
      const T = Number(temperature.value),
        s = MicroGPT.wholeNumber(seed.value);
      if (s === null) {
        status.replaceChildren(error("The seed must be a whole number, e.g. 42."));
        return;
      }
      state.set("T", temperature.value);
      state.set("seed", String(s));
      button.disabled = true;
      status.textContent = `Sampling at T = ${T.toFixed(2)} with seed ${s}…`;
      const result = await MicroGPT.askModel(model, "sample", SAMPLES, T, s);
      button.disabled = false;
      if (!result.ok) {
        status.replaceChildren(error(result.message));
        return;
      }
      names.textContent = namesList(result.value);
      const file = `model-${model}.json`;
      status.replaceChildren(
        `Seed ${s}, T = ${T.toFixed(2)}. The same names in a terminal, with the package installed and `,
        el("a", { href: `${MicroGPT.siteRoot}widgets/${file}`, download: file, text: file }),
        " saved in the folder: ",
        el("code", {
          class: "mg-sample-code",
          text:
            `python -c "import json; from microgpt.analysis import sample_names; ` +
            `print(', '.join(sample_names(json.load(open('${file}')), ${SAMPLES}, ${T}, ${s})))"`,
        }),
        " gives these names again.",
      );
    });

    root.append(
      el(
        "div",
        { class: "mg-live-settings" },
        el("label", { class: "mg-live-field" }, "temperature ", temperature, " ", shownT),
        el("label", { class: "mg-live-field" }, "seed ", seed),
      ),
      el("div", { class: "mg-live-buttons" }, button),
      status,
      names,
    );
  };
})();

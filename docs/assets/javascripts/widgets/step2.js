// The widgets of Step 2; drawn with the helpers of ../widgets.js.
// 2.5: a computation graph, and backward() walking it, one step per notch of a
// slider. The layout, every data and every grad after every visit come from
// widgets/backward-graph.json; this file draws.
// 2.8: the loss-curve chart, which 3.8, 4.6 and 5.4 show again (with more steps).
(() => {
  "use strict";
  const { el, withData, svgElement, svgChild, state } = MicroGPT;

  MicroGPT.widgets["backward-graph"] = (root) => {
    withData(root, "backward-graph", (data) => {
      const select = el("select", { "aria-label": "graph" });
      data.graphs.forEach((g, i) => {
        select.append(el("option", { value: String(i), text: g.title }));
      });
      // one notch per step of backward(): the arrow keys step forward and back
      const slider = el("input", {
        type: "range",
        min: "0",
        step: "1",
        value: "0",
        "aria-label": "steps of backward()",
      });
      const shownStep = el("output");
      const note = el("p", { class: "mg-graph-note" });
      // on a phone the graph scrolls sideways: focusable, so the keyboard can scroll it too
      const frame = el("div", { class: "mg-graph-frame", tabindex: "0", role: "region", "aria-label": "the graph" });
      const caption = el("p", { class: "mg-graph-caption", "aria-live": "polite" });
      let graph = data.graphs[0],
        at = 0;

      function draw() {
        const [W, H] = [graph.width, graph.height];
        const now = graph.steps[at];
        const svg = svgElement(W, H, "mg-graph");
        svg.setAttribute("role", "img");
        svg.setAttribute(
          "aria-label",
          `${graph.title}: ${graph.nodes.length} boxes; the slider below steps through backward()`,
        );
        // every place comes from the data: a line that skips a row bends through a slot of its own
        graph.edges.forEach((e) => {
          svgChild(svg, "polyline", { points: e.points.map((p) => p.join(",")).join(" "), class: "mg-edge" });
          if (e.label !== undefined) {
            svgChild(svg, "text", { x: e.labelAt[0], y: e.labelAt[1], class: "mg-edge-label" }, e.label);
          }
        });
        const newest = now.visited[now.visited.length - 1];
        graph.nodes.forEach((n, i) => {
          const done = now.visited.includes(i);
          const g = svgChild(svg, "g", {
            class: `mg-node${done ? " mg-node-done" : ""}${i === newest ? " mg-node-current" : ""}`,
          });
          const [left, top, w, h] = n.box;
          const cx = left + w / 2;
          svgChild(g, "rect", { x: left, y: top, width: w, height: h, rx: 5 });
          svgChild(
            g,
            "text",
            { x: cx, y: top + 15, class: "mg-node-title" },
            graph.collapsed ? n.label : `${n.label} = ${n.op}`,
          );
          const y = top + 15 + (graph.collapsed ? 16 : 0); // the line above data: the title, or the op
          if (graph.collapsed) svgChild(g, "text", { x: cx, y }, n.op);
          svgChild(g, "text", { x: cx, y: y + 16 }, `data ${n.data}`);
          svgChild(g, "text", { x: cx, y: y + 33, class: "mg-node-grad" }, `grad ${now.grads[i]}`);
        });
        frame.replaceChildren(svg);
        caption.textContent = `Step ${at} of ${graph.steps.length - 1}. ${now.caption}`;
        slider.max = String(graph.steps.length - 1);
        slider.value = String(at);
        shownStep.textContent = `${at} of ${graph.steps.length - 1}`;
        slider.setAttribute("aria-valuetext", caption.textContent);
        state.set("graph", select.value);
        state.set("visit", String(at));
      }

      function choose(i, visit) {
        graph = data.graphs[i];
        select.value = String(i);
        at = Math.min(Math.max(visit, 0), graph.steps.length - 1);
        note.textContent = graph.collapsed
          ? `This graph holds ${graph.values.toLocaleString("en")} Values, too many to draw one by one: each box ` +
            `stands for the Values one move of the model made, and a step ends where backward() has visited the ` +
            `last of them. "data" is the move's result (a range for a list), "grad" its grad once final.`
          : `Every Value of the graph, with its data and grad (bold once final); each line carries the local ` +
            `gradient that the Value below it stored for the child above. Each step is one visit of backward(), in ` +
            `its order.`;
        draw();
      }

      select.addEventListener("change", () => choose(Number(select.value), 0));
      slider.addEventListener("input", () => {
        at = Number(slider.value);
        draw();
      });
      root.append(
        el(
          "div",
          { class: "mg-controls" },
          el("label", { text: "Graph: " }, select),
          el("label", { text: "backward(), step " }, slider, shownStep),
        ),
        note,
        frame,
        caption,
      );
      choose(state.integer("graph", 0, data.graphs.length - 1) ?? 0, state.integer("visit") ?? 0);
    });
  };

  // 2.8 (and 3.8, 4.6, 5.4): the loss curves of the steps so far.
  const SVG = "http://www.w3.org/2000/svg";

  // A round spacing for four to eight ticks over `range`: 1, 2 or 5 times a power of ten.
  function tickSpacing(range) {
    const rough = range / 6,
      power = 10 ** Math.floor(Math.log10(rough));
    return [1, 2, 5, 10].map((m) => m * power).find((spacing) => spacing >= rough);
  }
  // Values from lo to hi at that spacing, each a round number.
  function ticks(lo, hi) {
    const spacing = tickSpacing(hi - lo),
      digits = Math.max(0, -Math.floor(Math.log10(spacing)));
    const values = [];
    for (let k = Math.ceil(lo / spacing); k * spacing <= hi; k++) values.push(Number((k * spacing).toFixed(digits)));
    return { values, digits };
  }

  // The running mean of every step's losses, one toggle per step, a slider for
  // the smoothing window (each window's means computed at build time), and a
  // cursor: hover the chart, or move the "training step" slider, to read the
  // loss of every visible step there. data-steps="step0,step3" picks the steps.
  function drawLossCurves(root, loss) {
    const steps = (root.dataset.steps || Object.keys(loss.curves).join(",")).split(",");
    const curves = steps.map((step) => loss.curves[step]);
    const points = curves[0].steps; // every curve is drawn at the same training steps
    const W = 480,
      H = 220,
      BELOW = 14; // room for the step labels
    const px = (step) => (step / (loss.num_steps - 1)) * W;
    const svg = svgElement(W, H + BELOW, "mg-plot mg-wide");
    const lossAxis = svgChild(svg, "g", { class: "mg-loss-axis" });
    const stepAxis = svgChild(svg, "g", { class: "mg-step-axis" });
    svgChild(stepAxis, "line", { x1: 0, y1: H, x2: W, y2: H, class: "mg-axis" });
    ticks(1, loss.num_steps).values.forEach((step, k, all) => {
      const anchor = k === 0 && px(step - 1) < 20 ? "start" : k === all.length - 1 ? "end" : "middle";
      svgChild(
        stepAxis,
        "text",
        { x: px(step - 1).toFixed(1), y: H + BELOW - 2, class: "mg-tick", "text-anchor": anchor },
        String(step),
      );
    });
    const cursor = document.createElementNS(SVG, "line");
    cursor.setAttribute("class", "mg-cursor");
    cursor.setAttribute("y1", "0");
    cursor.setAttribute("y2", String(H));
    const lines = curves.map((curve, k) => {
      const line = document.createElementNS(SVG, "path");
      line.setAttribute("class", `mg-series mg-step-${curve.number}`);
      line.dataset.step = steps[k];
      svg.append(line);
      return line;
    });
    svg.append(cursor);

    const toggles = el("div", { class: "mg-toggles" });
    const boxes = curves.map((curve, k) => {
      const box = el("input", { type: "checkbox" });
      box.checked = true;
      box.addEventListener("change", () => {
        lines[k].classList.toggle("mg-hidden", !box.checked);
        showPoint();
      });
      toggles.append(
        el(
          "label",
          { class: `mg-series-label mg-step-${curve.number}`, "data-step": steps[k] },
          box,
          ` Step ${curve.number} (last ${loss.window}: ${curve.last.toFixed(3)})`,
        ),
      );
      return box;
    });

    const asked = loss.windows.indexOf(state.number("smooth"));
    const windowSlider = el("input", {
      type: "range",
      min: "0",
      max: String(loss.windows.length - 1),
      step: "1",
      value: String(asked >= 0 ? asked : loss.windows.indexOf(loss.window)),
      "aria-label": "smoothing window (names)",
    });
    const windowValue = el("output", { class: "mg-window" });
    const pointSlider = el("input", {
      type: "range",
      min: "0",
      max: String(points.length - 1),
      step: "1",
      value: String(points.length - 1),
      "aria-label": "training step to read",
    });
    const readout = el("p", { class: "mg-readout", "aria-live": "polite" });
    const intro = el("p");

    const windowIndex = () => Number(windowSlider.value);
    function showCurves() {
      const w = windowIndex(),
        size = loss.windows[w];
      const lo = Math.min(...curves.map((c) => c.smooth[w].lowest)),
        hi = Math.max(...curves.map((c) => c.smooth[w].highest));
      const py = (y) => H - ((y - lo) / (hi - lo)) * (H - 10) - 5;
      const lossTicks = ticks(lo, hi);
      lossAxis.replaceChildren();
      lossTicks.values.forEach((value) => {
        const y = py(value).toFixed(1);
        svgChild(lossAxis, "line", { x1: 0, y1: y, x2: W, y2: y, class: "mg-axis", "stroke-dasharray": "2 4" });
        svgChild(lossAxis, "text", { x: 2, y: y - 2, class: "mg-tick" }, `loss ${value.toFixed(lossTicks.digits)}`);
      });
      curves.forEach((curve, k) => {
        lines[k].setAttribute(
          "d",
          curve.smooth[w].mean
            .map((y, i) => `${(i ? "L" : "M") + px(curve.steps[i]).toFixed(1)} ${py(y).toFixed(1)}`)
            .join(""),
        );
      });
      windowValue.textContent = `${size} names`;
      intro.textContent =
        "Mean loss of the last " +
        size +
        " names at every training step, from " +
        lo.toFixed(2) +
        " to " +
        hi.toFixed(2) +
        ". Untick a step to hide it; hover the chart or move the step slider to read the values.";
      showPoint();
    }
    function showPoint() {
      const w = windowIndex(),
        i = Number(pointSlider.value);
      cursor.setAttribute("x1", px(points[i]).toFixed(1));
      cursor.setAttribute("x2", px(points[i]).toFixed(1));
      const shown = curves
        .filter((_, k) => boxes[k].checked)
        .map((c) => `Step ${c.number}: ${c.smooth[w].mean[i].toFixed(3)}`);
      readout.textContent =
        "Training step " +
        (points[i] + 1) +
        " of " +
        loss.num_steps +
        ". " +
        (shown.length ? shown.join(", ") : "No step is ticked.");
    }
    windowSlider.addEventListener("input", () => {
      state.set("smooth", loss.windows[windowIndex()]);
      showCurves();
    });
    pointSlider.addEventListener("input", showPoint);
    svg.addEventListener("pointermove", (event) => {
      const box = svg.getBoundingClientRect();
      const step = ((event.clientX - box.left) / box.width) * (loss.num_steps - 1);
      let nearest = 0;
      points.forEach((p, i) => {
        if (Math.abs(p - step) < Math.abs(points[nearest] - step)) nearest = i;
      });
      pointSlider.value = String(nearest);
      showPoint();
    });

    root.append(
      intro,
      svg,
      readout,
      toggles,
      el(
        "div",
        { class: "mg-controls" },
        el("label", { text: "Smoothing window: " }, windowSlider, windowValue),
        el("label", { text: "Training step: " }, pointSlider),
      ),
    );
    showCurves();
  }

  MicroGPT.widgets["loss-curves"] = (root) => {
    withData(root, "loss-curves", (loss) => drawLossCurves(root, loss));
  };
})();

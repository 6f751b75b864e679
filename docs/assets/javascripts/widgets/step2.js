// The widget of Step 2 (2.5): a computation graph, and backward() walking it,
// one step per notch of a slider.
// The layout, every data and every grad after every visit come from
// widgets/backward-graph.json (docs/hooks/widget_data_step1_2.py); this file draws.
(function () {
  "use strict";
  const { el, withData, svgElement, svgChild, state } = MicroGPT;

  MicroGPT.widgets["backward-graph"] = function (root) {
    withData(root, "backward-graph", (data) => {
      const select = el("select", { "aria-label": "graph" });
      data.graphs.forEach((g, i) => select.append(el("option", { value: String(i), text: g.title })));
      // one notch per step of backward(): the arrow keys step forward and back
      const slider = el("input", { type: "range", min: "0", step: "1", value: "0", "aria-label": "steps of backward()" });
      const shownStep = el("output");
      const note = el("p", { class: "mg-graph-note" });
      // on a phone the graph scrolls sideways: focusable, so the keyboard can scroll it too
      const frame = el("div", { class: "mg-graph-frame", tabindex: "0", role: "region", "aria-label": "the graph" });
      const caption = el("p", { class: "mg-graph-caption", "aria-live": "polite" });
      let graph = data.graphs[0], at = 0;

      function draw() {
        const W = 640, rowHeight = graph.collapsed ? 104 : 84, boxH = graph.collapsed ? 76 : 58;
        const H = graph.rows * rowHeight;
        const perRow = {};
        graph.nodes.forEach((n) => (perRow[n.row] = (perRow[n.row] || 0) + 1));
        const boxW = (n) => Math.min(190, W / perRow[n.row] - 14);
        const cx = (n) => n.x * W, top = (n) => n.row * rowHeight + 6;
        const now = graph.steps[at];
        const svg = svgElement(W, H, "mg-graph");
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", `${graph.title}: ${graph.nodes.length} boxes; the slider below steps through backward()`);
        graph.edges.forEach((e) => {
          const a = graph.nodes[e.from], b = graph.nodes[e.to];
          const x1 = cx(a), y1 = top(a) + boxH, x2 = cx(b), y2 = top(b);
          svgChild(svg, "line", { x1: x1, y1: y1, x2: x2, y2: y2, class: "mg-edge" });
          if (e.label !== undefined) {
            // near the child's end, where no other box is in the way
            svgChild(svg, "text", { x: x1 + 0.35 * (x2 - x1) + 6, y: y1 + 0.35 * (y2 - y1) + 4, class: "mg-edge-label" }, e.label);
          }
        });
        const newest = now.visited[now.visited.length - 1];
        graph.nodes.forEach((n, i) => {
          const done = now.visited.includes(i);
          const g = svgChild(svg, "g", { class: "mg-node" + (done ? " mg-node-done" : "") + (i === newest ? " mg-node-current" : "") });
          const w = boxW(n);
          svgChild(g, "rect", { x: cx(n) - w / 2, y: top(n), width: w, height: boxH, rx: 5 });
          svgChild(g, "text", { x: cx(n), y: top(n) + 15, class: "mg-node-title" }, graph.collapsed ? n.label : `${n.label} = ${n.op}`);
          let y = top(n) + 15;
          if (graph.collapsed) svgChild(g, "text", { x: cx(n), y: (y += 16) }, n.op);
          svgChild(g, "text", { x: cx(n), y: (y += 16) }, `data ${n.data}`);
          svgChild(g, "text", { x: cx(n), y: (y += 17), class: "mg-node-grad" }, "grad " + now.grads[i]);
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
          ? `This graph holds ${graph.values.toLocaleString("en")} Values, too many to draw one by one: each box stands for the Values one move of the model made, and a step ends where backward() has visited the last of them. "data" is the move's result (a range for a list), "grad" its grad once final.`
          : `Every Value of the graph, with its data and grad (bold once final); each line carries the local gradient that the Value below it stored for the child above. Each step is one visit of backward(), in its order.`;
        draw();
      }

      select.addEventListener("change", () => choose(Number(select.value), 0));
      slider.addEventListener("input", () => { at = Number(slider.value); draw(); });
      root.append(el("div", { class: "mg-controls" }, el("label", { text: "Graph: " }, select),
        el("label", { text: "backward(), step " }, slider, shownStep)), note, frame, caption);
      choose(state.integer("graph", 0, data.graphs.length - 1) ?? 0, state.integer("visit") ?? 0);
    });
  };
})();

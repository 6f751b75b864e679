// needs: step3.js
// The widgets of Step 4; drawn with the helpers of ../widgets.js and the
// attention parts of step3.js (MicroGPT.attentionParts, which documents the
// data: microgpt.analysis.attention_trace; root.mgDraw(trace) draws another name).
(() => {
  "use strict";
  const { el, state } = MicroGPT;
  const { mountTrace, positionPicker, askedPosition, vectorTable, heatmap } = MicroGPT.attentionParts;

  // 4.2 / 4.3: the 16 dimensions cut into heads; step through the head loop
  // of multi_head_attention and watch x_attn filled slice by slice.
  MicroGPT.widgets.heads = (root) => {
    mountTrace(
      root,
      "heads",
      (area, trace) => {
        const n = trace.labels.length,
          H = trace.n_head,
          D = trace.head_dim;
        let position = askedPosition("position", n, n - 1),
          head = -1; // -1: before the loop
        const readout = el("p", {
          class: "mg-readout",
          "aria-live": "polite",
          text: "Hover over a cell of a heatmap, or tab to it, to read its weight.",
        });
        const loop = el("div", { "aria-live": "polite" });
        const maps = el("div", { class: "mg-heatmaps" });
        const next = el("button", { type: "button", class: "mg-button" });
        const slice = (values, h) => values.slice(h * D, (h + 1) * D);
        const show = () => {
          const at = trace.positions[position];
          next.textContent = head === H - 1 ? "Start again ↺" : "Next head →";
          const dims = el("div", { class: "mg-dims", "aria-hidden": "true" });
          for (let j = 0; j < H * D; j++) {
            const h = Math.floor(j / D);
            dims.append(
              el("span", { class: `mg-dim mg-head-${h % 4}${h === head ? " mg-current" : ""}`, text: String(j) }),
            );
          }
          const filled = at.x_attn.map((v, j) => (Math.floor(j / D) <= head ? v : null));
          const lines = [];
          if (head === -1) {
            lines.push(
              el("p", {
                text:
                  `Position ${position} ("${at.token}"): q, k and v have ${H * D} numbers, cut into ` +
                  `${H} heads of ${D}. Press "Next head" to run the loop.`,
              }),
            );
          } else {
            lines.push(
              el("p", {
                text:
                  `Head ${head} takes dimensions ${head * D}–${(head + 1) * D - 1} of q and of every cached k and v, ` +
                  `weighs the ${position + 1} positions so far with its own weights, and writes its ${D} numbers ` +
                  `into x_attn:`,
              }),
              vectorTable(
                [["q_h", slice(at.q, head)]],
                "mg-head-q",
                slice(at.q, head).map((_, j) => String(head * D + j)),
              ),
              vectorTable([["weights", at.weights[head]]], "mg-head-weights", trace.labels.slice(0, position + 1)),
            );
          }
          loop.replaceChildren(
            dims,
            ...lines,
            el("p", { text: "x_attn so far (· = not yet written):" }),
            vectorTable([["x_attn", filled]], "mg-assembled"),
          );
          maps.replaceChildren(
            ...trace.positions[0].weights.map((_, h) =>
              el(
                "figure",
                { class: `mg-head-map${h === head ? " mg-current" : ""}` },
                heatmap(
                  trace.labels,
                  trace.positions.map((p) => p.weights[h]),
                  `head ${h}`,
                  readout,
                  position,
                  true,
                ),
                el("figcaption", { text: `head ${h}: dims ${h * D}–${(h + 1) * D - 1}` }),
              ),
            ),
          );
        };
        const picker = positionPicker(trace.labels, position, (p) => {
          position = p;
          head = -1;
          state.set("position", p);
          show();
        });
        next.addEventListener("click", () => {
          head = head === H - 1 ? -1 : head + 1;
          show();
        }); // after the last head: start again
        area.append(
          el("p", { text: `The trained Step 4 model reading "${trace.name}". Pick a position:` }),
          picker.element,
          el("div", { class: "mg-controls" }, next),
          loop,
          el("p", {
            text: "Each head's attention weights over the whole name (row = position, stronger colour = more weight):",
          }),
          maps,
          readout,
        );
        picker.pick(picker.initial);
      },
      "step4",
    );
  };
})();

// The widgets of Step 3 (and the heatmap Step 4's widget shares); drawn with
// the helpers of ../widgets.js.
//
// Every attention widget draws one object: what
// microgpt.analysis.attention_trace(results, name) returns for a trained model
// and a name (labels, n_head, head_dim, and per position tok_emb, pos_emb, x,
// q, k, v, weights, x_attn). widgets/NAME.json holds it for the page's name,
// computed at build time. To show another name, compute the same function
// (e.g. with Python in the browser) and call root.mgDraw(trace) on the widget's
// root element: the drawing does not care where the numbers came from.
(() => {
  "use strict";
  const { el, withData, state } = MicroGPT;
  const fmt = (v) => v.toFixed(3);

  function mountTrace(root, name, draw, typedModel) {
    const area = el("div", { class: "mg-trace" });
    root.mgDraw = (trace) => {
      area.replaceChildren();
      draw(area, trace);
    };
    if (typedModel) root.append(nameInput(root, typedModel));
    root.append(area);
    withData(root, name, (trace) => {
      root.mgDraw(trace);
      // A name in the address waits for Show: Python (about 12 MB) loads only when the reader asks.
      const asked = state.get("name");
      if (typedModel && asked?.trim()) root.mgOffer(asked.trim());
    });
  }

  // Any name the reader types, through the real model: Python in the browser
  // runs microgpt.live.attention_of on the trained weights of
  // widgets/model-STEP.json, and the widget draws the trace it returns.
  function nameInput(root, model) {
    const input = el("input", {
      type: "text",
      value: state.get("name") || "",
      "aria-label": "a name of your own",
      placeholder: "a name, a-z",
      spellcheck: "false",
      maxlength: "15",
    });
    const button = el("button", { type: "button", class: "mg-button", text: "Show", "data-python": "" });
    const status = el("p", {
      class: "mg-typed-status",
      "aria-live": "polite",
      text: "Type a name of your own: the trained model reads it in your browser (Python starts on first use).",
    });
    root.mgTrace = async (name) => {
      input.value = name;
      button.disabled = true;
      status.textContent = `Running the trained ${model.replace("step", "Step ")} model on "${name}"…`;
      const result = await MicroGPT.askModel(model, "attention_of", name);
      button.disabled = false;
      if (!result.ok) {
        status.textContent = result.message;
        return;
      }
      state.set("name", name);
      status.textContent = `"${name}", computed in your browser by microgpt.analysis.attention_trace.`;
      root.mgDraw(result.value);
    };
    root.mgOffer = (name) => {
      input.value = name;
      status.textContent = `Press Show (or Enter) to run the trained model on "${name}" (Python starts on first use).`;
    };
    const go = () => input.value.trim() && root.mgTrace(input.value.trim());
    input.addEventListener(
      "input",
      () => (status.textContent = `Press Show (or Enter) to run the trained model on "${input.value.trim()}".`),
    );
    button.addEventListener("click", go);
    input.addEventListener("keydown", (event) => event.key === "Enter" && go());
    return el("div", { class: "mg-typed-name" }, el("label", { text: "Name: " }, input), " ", button, status);
  }

  // One button per position (BOS, then the letters); `onPick(position)`.
  function positionPicker(labels, initial, onPick) {
    const group = el("div", { class: "mg-positions", role: "group", "aria-label": "position" });
    const buttons = labels.map((label, i) => {
      const button = el(
        "button",
        { type: "button", class: "mg-position", "aria-pressed": "false" },
        el("small", { text: String(i) }),
        ` ${label}`,
      ); // its name: "2 m", position then token
      button.addEventListener("click", () => pick(i));
      group.append(button);
      return button;
    });
    function pick(i) {
      buttons.forEach((b, k) => {
        b.setAttribute("aria-pressed", String(k === i));
      });
      onPick(i);
    }
    return { element: group, pick, initial: Math.min(Math.max(0, initial), labels.length - 1) };
  }

  // The position asked for in the address (?KEY=N), if it is one of the name's.
  const askedPosition = (key, count, fallback) => {
    return state.integer(key, 0, count - 1) ?? fallback;
  };

  // A wide table scrolls sideways inside the page; the keyboard can scroll it too.
  const scrolling = (table) =>
    el(
      "div",
      { class: "mg-scroll", tabindex: "0", role: "region", "aria-label": "table of numbers, scrolls sideways" },
      table,
    );

  // A table of vectors: one row per (label, values, optional row class).
  // Columns are numbered from 0, or named by `columns`.
  function vectorTable(rows, className, columns) {
    const names = columns || rows[0][1].map((_, j) => String(j));
    const head = el("tr", {}, el("th", { text: "" }));
    names.forEach((name) => {
      head.append(el("th", { text: name }));
    });
    const body = el("tbody");
    rows.forEach(([label, values, rowClass]) => {
      const tr = el("tr", { class: rowClass || "" }, el("th", { text: label, scope: "row" }));
      values.forEach((v) => {
        tr.append(el("td", { text: v === null ? "·" : fmt(v) }));
      });
      body.append(tr);
    });
    return scrolling(el("table", { class: `mg-vectors ${className || ""}` }, el("thead", {}, head), body));
  }

  // Attention weights as a grid: row = position, column = a position so far.
  // Each cell is a button: hovering or focusing it writes its weight to
  // `readout`. rows[p] is the weights of position p over positions 0..p; `small`: smaller cells.
  function heatmap(labels, rows, caption, readout, highlightRow, small) {
    const n = labels.length;
    const grid = el("div", { class: `mg-heatmap${small ? " mg-small" : ""}`, role: "group", "aria-label": caption });
    grid.style.gridTemplateColumns = `auto repeat(${n}, var(--mg-cell))`;
    grid.append(el("span"));
    labels.forEach((label) => {
      grid.append(el("span", { class: "mg-heat-col", text: label }));
    });
    rows.forEach((row, p) => {
      grid.append(
        el("span", { class: `mg-heat-row${p === highlightRow ? " mg-current" : ""}`, text: `${p} ${labels[p]}` }),
      );
      for (let t = 0; t < n; t++) {
        if (t >= row.length) {
          grid.append(el("span", { class: "mg-heat-empty" }));
          continue;
        }
        const text =
          `${caption}: position ${p} (${labels[p]}) gives position ${t} (${labels[t]}) the weight ` + `${fmt(row[t])}`;
        const cell = el("button", {
          type: "button",
          class: "mg-heat-cell",
          "aria-label": text,
          "aria-pressed": "false",
          "data-row": String(p),
          "data-col": String(t),
        });
        cell.style.setProperty("--w", String(row[t]));
        const show = () => {
          readout.textContent = `${text}.`;
        };
        cell.addEventListener("pointerenter", show);
        cell.addEventListener("focus", show);
        cell.addEventListener("click", () => {
          // a click (or Enter) marks the cell it read
          grid.querySelectorAll(".mg-heat-cell[aria-pressed=true]").forEach((other) => {
            other.setAttribute("aria-pressed", "false");
          });
          cell.setAttribute("aria-pressed", "true");
          show();
        });
        grid.append(cell);
      }
    });
    return el("div", { class: "mg-scroll" }, grid);
  }
  MicroGPT.attentionParts = { mountTrace, positionPicker, askedPosition, vectorTable, heatmap, fmt };

  // 3.2: a letter's token embedding, its position embedding and their sum.
  MicroGPT.widgets.embeddings = (root) => {
    mountTrace(root, "embeddings", (area, trace) => {
      const out = el("div", { "aria-live": "polite" });
      const picker = positionPicker(trace.labels, askedPosition("position", trace.labels.length, 2), (p) => {
        state.set("position", p);
        const at = trace.positions[p];
        const twins = trace.labels.map((_, i) => i).filter((i) => i !== p && trace.labels[i] === at.token);
        const rows = at.x.map((v, j) =>
          el(
            "tr",
            {},
            el("th", { text: String(j), scope: "row" }),
            el("td", { class: "mg-tok", text: fmt(at.tok_emb[j]) }),
            el("td", { class: "mg-pos", text: fmt(at.pos_emb[j]) }),
            el("td", { class: "mg-sum", text: fmt(v) }),
          ),
        );
        out.replaceChildren(
          el("p", {
            text:
              `"${at.token}" at position ${p}: x = wte[${at.token}] + wpe[${p}], number by number.` +
              (twins.length
                ? ` Position ${twins.join(", ")} holds the same token: the same wte row, another wpe row, so ` +
                  `another sum.`
                : ""),
          }),
          scrolling(
            el(
              "table",
              { class: "mg-vectors mg-embeddings" },
              el(
                "thead",
                {},
                el(
                  "tr",
                  {},
                  el("th", { text: "dim" }),
                  el("th", { text: `wte[${at.token}]` }),
                  el("th", { text: `wpe[${p}]` }),
                  el("th", { text: "x (sum)" }),
                ),
              ),
              el("tbody", {}, ...rows),
            ),
          ),
        );
      });
      area.append(
        el("p", { text: `Click a position of "${trace.name}" (trained Step 3 weights):` }),
        picker.element,
        out,
      );
      picker.pick(picker.initial);
    });
  };

  // 3.5: the trained model's attention weights over a name.
  MicroGPT.widgets["attention-weights"] = (root) => {
    mountTrace(
      root,
      "attention-weights",
      (area, trace) => {
        const readout = el("p", {
          class: "mg-readout",
          "aria-live": "polite",
          text: "Hover over a cell, or tab to it, to read its weight.",
        });
        const rows = trace.positions.map((p) => p.weights[0]);
        area.append(
          el("p", {
            text:
              `Attention weights of the trained Step 3 model reading "${trace.name}": ` +
              "each row is one position, spread over the positions so far (stronger colour = more weight); each " +
              "row adds up to 1.",
          }),
          heatmap(trace.labels, rows, "attention weights", readout),
          readout,
        );
      },
      "step3",
    );
  };

  // 3.6: q, k and v of one position, and the weighted sum of the cached values.
  MicroGPT.widgets["attention-output"] = (root) => {
    mountTrace(root, "attention-output", (area, trace) => {
      const out = el("div", { "aria-live": "polite" });
      const last = trace.labels.length - 1;
      const picker = positionPicker(trace.labels, askedPosition("position", trace.labels.length, last), (p) => {
        state.set("position", p);
        const at = trace.positions[p],
          weights = at.weights[0];
        const terms = trace.positions
          .slice(0, p + 1)
          .map((earlier, t) => [`${fmt(weights[t])} × v${t} (${trace.labels[t]})`, earlier.v, "mg-term"]);
        out.replaceChildren(
          el("p", { text: `Position ${p} ("${at.token}") makes its query, key and value from its normalised input:` }),
          vectorTable(
            [
              [`q${p}`, at.q],
              [`k${p}`, at.k],
              [`v${p}`, at.v],
            ],
            "mg-qkv",
          ),
          el("p", {
            text:
              `Its query against the ${p + 1} cached keys gives ${p + 1} weights; x_attn is the weighted sum ` +
              `of the cached values:`,
          }),
          vectorTable([...terms, ["= x_attn", at.x_attn, "mg-total"]], "mg-blend"),
        );
      });
      area.append(
        el("p", { text: `Pick a position of "${trace.name}" (trained Step 3 weights):` }),
        picker.element,
        out,
      );
      picker.pick(picker.initial);
    });
  };

  // 3.7: step through a name; the cache gains one key and one value per position.
  MicroGPT.widgets["kv-cache"] = (root) => {
    mountTrace(root, "kv-cache", (area, trace) => {
      const n = trace.labels.length;
      let position = askedPosition("position", n, 0);
      const back = el("button", { type: "button", class: "mg-button", text: "← Back" });
      const next = el("button", { type: "button", class: "mg-button" });
      const status = el("p", { class: "mg-readout", "aria-live": "polite" });
      const tables = el("div");
      const show = () => {
        state.set("position", position);
        next.textContent = position === n - 1 ? "Start again ↺" : "Next token →";
        const rows = (key) =>
          trace.positions
            .slice(0, position + 1)
            .map((p, t) => [`${key}${t} (${trace.labels[t]})`, p[key], t === position ? "mg-newest" : ""]);
        status.textContent =
          `Position ${position} reads "${trace.labels[position]}" and appends k${position} and v${position}: ` +
          `the cache now holds ${position + 1} key${position ? "s" : ""} and ${position + 1} ` +
          `value${position ? "s" : ""}.`;
        tables.replaceChildren(
          el("p", { text: "keys" }),
          vectorTable(rows("k"), "mg-keys"),
          el("p", { text: "values" }),
          vectorTable(rows("v"), "mg-values"),
        );
      };
      back.addEventListener("click", () => {
        position = (position + n - 1) % n;
        show();
      }); // from the start: to the end
      next.addEventListener("click", () => {
        position = (position + 1) % n;
        show();
      }); // from the end: to the start
      area.append(
        el("p", {
          text:
            `The KV cache of the trained Step 3 model while it reads "${trace.name}", ` +
            "one position at a time (newest entry marked):",
        }),
        el("div", { class: "mg-controls" }, back, next),
        status,
        tables,
      );
      show();
    });
  };
})();

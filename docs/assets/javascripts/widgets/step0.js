// The widgets of Step 0; drawn with the helpers of ../widgets.js.
(() => {
  "use strict";
  const { el, error, withData, bars, plural } = MicroGPT;

  // 0.2: type names (separated by spaces or commas), see their characters and tokens.
  MicroGPT.widgets.tokenizer = (root) => {
    withData(root, "tokenizer", (vocab) => {
      const uchars = [...vocab.uchars],
        BOS = uchars.length;
      const label = (id) => (id === BOS ? "BOS" : uchars[id]);
      const input = el("input", {
        type: "text",
        value: MicroGPT.state.get("names") ?? "ava",
        "aria-label": "names to tokenize, separated by spaces or commas",
        spellcheck: "false",
        class: "mg-wide-input",
      });
      const out = el("div", { "aria-live": "polite" });
      const show = () => {
        const typed = input.value;
        const words = typed.split(/[\s,]+/).filter(Boolean);
        const names = words.length ? words : [""]; // nothing typed: the empty name, BOS BOS
        const seen = [...new Set(names.join(""))].sort(); // as Tokenizer builds uchars
        const unknown = seen.filter((ch) => !uchars.includes(ch));
        out.replaceChildren();
        if (unknown.length) {
          out.append(
            error(
              "Not in the vocabulary: " +
                unknown.map((c) => JSON.stringify(c)).join(", ") +
                ". Use only " +
                uchars.join("") +
                ".",
            ),
          );
          return;
        }
        const chars = el(
          "p",
          { class: "mg-uchars" },
          plural(seen.length, "unique character") + (seen.length ? ": " : ""),
        );
        seen.forEach((ch) => {
          chars.append(
            el("span", { class: "mg-uchar" }, el("b", { text: ch }), el("small", { text: String(uchars.indexOf(ch)) })),
          );
        });
        chars.append(" (ids in the vocabulary of names.txt)");
        out.append(chars);
        names.forEach((name) => {
          const ids = [BOS, ...[...name].map((ch) => uchars.indexOf(ch)), BOS];
          const row = el("div", { class: "mg-tokens", "aria-label": `tokens of ${JSON.stringify(name)}` });
          ids.forEach((id) => {
            row.append(
              el(
                "span",
                { class: `mg-token${id === BOS ? " mg-bos" : ""}` },
                el("b", { text: label(id) }),
                el("small", { text: String(id) }),
              ),
            );
          });
          row.append(
            el("p", {
              class: "mg-pairs",
              text:
                plural(ids.length - 1, "pair") +
                " to learn from: " +
                ids
                  .slice(0, -1)
                  .map((id, i) => `${label(id)}→${label(ids[i + 1])}`)
                  .join(", ") +
                (name ? "" : ". That is the empty name's only pair, and names.txt has no empty name: type one."),
            }),
          );
          out.append(row);
        });
      };
      input.addEventListener("input", () => {
        MicroGPT.state.set("names", input.value);
        show();
      });
      root.append(el("label", { text: "Names: " }, input), out);
      show();
    });
  };

  const button = (text, onClick) => {
    const node = el("button", { type: "button", class: "mg-button", text: text });
    node.addEventListener("click", onClick);
    return node;
  };

  // 0.3: the first names of training fill the count table, one pair at a time.
  // Every count shown is the package's (add_pairs at build time); this only steps through them.
  MicroGPT.widgets["count-fill"] = (root) => {
    withData(root, "count-fill", (data) => {
      const labels = data.labels,
        docs = data.names;
      const pairs = docs.flatMap((doc, d) => doc.cells.map(([row, col, count], p) => ({ d, p, row, col, count })));
      const ends = docs.map((_, d) => docs.slice(0, d + 1).reduce((n, x) => n + x.cells.length, 0));
      const table = el("table", { class: "mg-count-table" });
      const head = el("tr", {}, el("th", { scope: "col", text: "" }));
      labels.forEach((label) => {
        head.append(el("th", { scope: "col", text: label }));
      });
      table.append(el("thead", {}, head));
      const body = el("tbody"),
        cells = labels.map((label) => {
          const tr = el("tr", {}, el("th", { scope: "row", text: label }));
          const row = labels.map(() => el("td"));
          tr.append(...row);
          body.append(tr);
          return row;
        });
      table.append(body);
      const word = el("div", { class: "mg-tokens" });
      const readout = el("p", { class: "mg-count-readout", "aria-live": "polite" });
      let done = Math.min(MicroGPT.state.integer("pairs", 0) ?? 0, pairs.length); // how many pairs have been counted
      const show = () => {
        if (done || MicroGPT.state.get("pairs") !== null) MicroGPT.state.set("pairs", done);
        cells.forEach((row) => {
          row.forEach((td) => {
            td.textContent = "";
            td.className = "";
          });
        });
        pairs.slice(0, done).forEach((pair) => {
          cells[pair.row][pair.col].textContent = String(pair.count);
        });
        word.replaceChildren();
        if (!done) {
          readout.textContent =
            "The table is empty: " +
            labels.length * labels.length +
            " cells, all zero. Count the first pair of " +
            JSON.stringify(docs[0].name) +
            ".";
          return;
        }
        const last = pairs[done - 1],
          doc = docs[last.d];
        const changed = cells[last.row][last.col],
          scroller = table.parentNode;
        changed.className = "mg-changed";
        const cell = changed.getBoundingClientRect(),
          view = scroller.getBoundingClientRect();
        if (cell.right > view.right || cell.left < view.left)
          scroller.scrollLeft += cell.left - view.left - view.width / 2; // keep it in sight
        const ids = [doc.cells[0][0], ...doc.cells.map((cell) => cell[1])];
        ids.forEach((id, i) => {
          word.append(
            el(
              "span",
              { class: `mg-token${i === last.p || i === last.p + 1 ? " mg-current" : ""}` },
              el("b", { text: labels[id] }),
            ),
          );
        });
        readout.textContent =
          "Name " +
          (last.d + 1) +
          " of " +
          docs.length +
          ", " +
          JSON.stringify(doc.name) +
          ": pair (" +
          labels[last.row] +
          ", " +
          labels[last.col] +
          ") adds 1 to row " +
          labels[last.row] +
          ", column " +
          labels[last.col] +
          ", which is now " +
          last.count +
          ". " +
          (done === pairs.length
            ? `All ${plural(pairs.length, "pair")} of the first ${docs.length} names counted.`
            : `${plural(done, "pair")} counted so far.`);
      };
      root.append(
        el("p", {
          text:
            "Step through the first " +
            docs.length +
            " names of training, a pair or a whole name at a time, and watch their pairs land in the table (rows: " +
            "current token, columns: next token).",
        }),
        el(
          "div",
          { class: "mg-buttons" },
          button("Next pair", () => {
            done = Math.min(done + 1, pairs.length);
            show();
          }),
          button("Next name", () => {
            done = ends.find((end) => end > done) ?? pairs.length;
            show();
          }),
          button("Reset", () => {
            done = 0;
            show();
          }),
        ),
        word,
        readout,
        el("div", { class: "mg-scroll", tabindex: "0", role: "region", "aria-label": "the count table" }, table),
      );
      show();
    });
  };

  // 0.6: the loss of a name, pair by pair: the trained table's probability of the
  // true next token, its -log, and the running mean (all pair losses from the build).
  MicroGPT.widgets["pair-loss"] = (root) => {
    withData(root, "pair-loss", (data) => {
      const labels = data.labels,
        BOS = labels.length - 1,
        letters = labels.slice(0, BOS);
      const input = el("input", {
        type: "text",
        value: MicroGPT.state.get("name") ?? "ava",
        "aria-label": "a name to score",
        spellcheck: "false",
      });
      const out = el("div", { "aria-live": "polite" });
      let shown = 0;
      const show = () => {
        const name = input.value.trim();
        out.replaceChildren();
        if (!name || [...name].some((ch) => !letters.includes(ch))) {
          out.append(error(`Type a name of the letters ${letters[0]} to ${letters[BOS - 1]} only, e.g. ava.`));
          return;
        }
        const ids = [BOS, ...[...name].map((ch) => letters.indexOf(ch)), BOS],
          n = ids.length - 1;
        shown = Math.min(shown, n);
        const table = el("table", { class: "mg-pair-loss" });
        table.append(
          el(
            "thead",
            {},
            el(
              "tr",
              {},
              ...["pair", "p(next)", "−log p", "running mean"].map((h) => el("th", { scope: "col", text: h })),
            ),
          ),
        );
        const body = el("tbody");
        let total = 0;
        for (let k = 0; k < shown; k++) {
          const cur = ids[k],
            nxt = ids[k + 1],
            loss = data.losses[cur][nxt];
          total += loss; // in pair order, as name_loss sums them
          body.append(
            el(
              "tr",
              { class: k === shown - 1 ? "mg-current" : "" },
              el("td", { text: `(${labels[cur]}, ${labels[nxt]})` }),
              el("td", { text: data.probs[cur][nxt].toFixed(4) }),
              el("td", { text: loss.toFixed(4) }),
              el("td", { text: ((1 / (k + 1)) * total).toFixed(4) }),
            ),
          );
        }
        table.append(body);
        out.append(
          table,
          el(
            "p",
            { class: "mg-name-loss" },
            shown === n
              ? "The loss of " +
                  JSON.stringify(name) +
                  " is the mean of its " +
                  n +
                  " pair loss" +
                  (n === 1 ? "" : "es") +
                  ": " +
                  ((1 / n) * total).toFixed(4) +
                  "."
              : `${shown} of ${plural(n, "pair")} scored.`,
          ),
        );
      };
      input.addEventListener("input", () => {
        MicroGPT.state.set("name", input.value);
        shown = 0;
        show();
      });
      root.append(
        el("p", {
          text:
            "Step through the pairs of a name, or type another: each pair adds its loss, and the running mean " +
            "after the last pair is the loss of the name.",
        }),
        el("label", { text: "Name: " }, input),
        el(
          "div",
          { class: "mg-buttons" },
          button("Next pair", () => {
            shown += 1;
            show();
          }),
          button("All pairs", () => {
            shown = Infinity;
            show();
          }),
          button("Reset", () => {
            shown = 0;
            show();
          }),
        ),
        out,
      );
      show();
    });
  };

  // 0.6: every training step's loss; hover (or the slider) shows the step, its name and loss.
  MicroGPT.widgets["step0-losses"] = (root) => {
    withData(root, "step0-losses", (data) => {
      // drawn at the width it gets (up to 640 px), so that its labels stay legible on a phone
      const W = Math.max(300, Math.min(640, Math.round(root.clientWidth - 40))),
        H = W < 480 ? 200 : 240;
      const n = data.losses.length,
        left = 36,
        bottom = 22,
        top = 8;
      const lo = Math.floor(Math.min(...data.losses)),
        hi = Math.ceil(Math.max(...data.losses));
      const px = (step) => left + ((step - 1) / (n - 1)) * (W - left - 4),
        py = (v) => top + ((hi - v) / (hi - lo)) * (H - top - bottom);
      const path = (values) =>
        values.map((v, i) => `${(i ? "L" : "M") + px(i + 1).toFixed(1)} ${py(v).toFixed(1)}`).join("");
      const svg = MicroGPT.svgElement(W, H, "mg-plot mg-loss-plot");
      let axes = "";
      for (let v = lo; v <= hi; v += 0.5)
        axes +=
          `<line x1="${left}" x2="${W - 4}" y1="${py(v)}" y2="${py(v)}" class="mg-grid"/><text ` +
          `x="${left - 4}" y="${py(v) + 4}" class="mg-tick" text-anchor="end">${v.toFixed(1)}</text>`;
      [1, 250, 500, 750, n].forEach((s) => {
        axes +=
          `<text x="${px(s)}" y="${H - 6}" class="mg-tick" ` +
          `text-anchor="${s === n ? "end" : "middle"}">${s}</text>`;
      });
      svg.innerHTML =
        axes +
        `<line x1="${left}" x2="${W - 4}" y1="${py(data.baseline)}" y2="${py(data.baseline)}" class="mg-tangent"/>` +
        `<path d="${path(data.losses)}" class="mg-faint"/><path d="${path(data.mean)}" class="mg-curve"/>` +
        `<line class="mg-loss-cursor" y1="${top}" y2="${H - bottom}"/><circle r="4" class="mg-point"/>`;
      const cursor = svg.querySelector(".mg-loss-cursor"),
        dot = svg.querySelector(".mg-point");
      const slider = el("input", {
        type: "range",
        min: "1",
        max: String(n),
        step: "1",
        value: String(MicroGPT.state.integer("step", 1, n) ?? 1),
        "aria-label": "training step",
      });
      const readout = el("p", { class: "mg-step-readout", "aria-live": "polite" });
      const show = () => {
        const step = Number(slider.value),
          i = step - 1;
        cursor.setAttribute("x1", px(step));
        cursor.setAttribute("x2", px(step));
        dot.setAttribute("cx", px(step));
        dot.setAttribute("cy", py(data.losses[i]));
        readout.textContent =
          "Step " +
          step +
          ": " +
          JSON.stringify(data.names[i]) +
          ", loss " +
          data.losses[i].toFixed(4) +
          " (mean of the last " +
          Math.min(step, data.window) +
          ": " +
          data.mean[i].toFixed(4) +
          ")";
      };
      const pick = (event) => {
        const box = svg.getBoundingClientRect(),
          x = ((event.clientX - box.left) / box.width) * W;
        slider.value = String(Math.max(1, Math.min(n, Math.round(1 + ((x - left) / (W - left - 4)) * (n - 1)))));
        MicroGPT.state.set("step", slider.value);
        show();
      };
      svg.addEventListener("pointermove", pick);
      svg.addEventListener("pointerdown", pick);
      slider.addEventListener("input", () => {
        MicroGPT.state.set("step", slider.value);
        show();
      });
      root.append(
        el("p", {
          text:
            "The loss of every training step (faint) and the mean of the last " +
            data.window +
            " (bold); dashed: the uniform guess. Point at the curve, or move the slider, to see which name a step " +
            "scored.",
        }),
        svg,
        el("label", { text: "Step: " }, slider),
        readout,
      );
      show();
    });
  };

  // 0.4: pick a token, see bigram(counts, token) of the trained table.
  MicroGPT.widgets["next-token"] = (root) => {
    withData(root, "next-token", (table) => {
      const labels = table.labels;
      const select = el("select", { "aria-label": "current token" });
      labels.forEach((label, i) => {
        select.append(el("option", { value: String(i), text: label }));
      });
      select.value = String(labels.length - 1);
      const out = el("div");
      const show = () => {
        const i = Number(select.value),
          pairs = table.pairs[i];
        out.replaceChildren(
          el("p", {
            text:
              "After " +
              labels[i] +
              ": " +
              plural(pairs, "pair") +
              " counted, so each probability is (count + 1) / " +
              (pairs + labels.length) +
              ".",
          }),
          bars(table.probs[i], labels, 3),
        );
      };
      select.addEventListener("change", show);
      root.append(el("label", { text: "Current token: " }, select), out);
      show();
    });
  };
})();

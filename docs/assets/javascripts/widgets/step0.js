// The widgets of Step 0; drawn with the helpers of ../widgets.js.
(function () {
  "use strict";
  const { el, error, withData, bars, plural } = MicroGPT;

  // 0.2: type a name, see its tokens.
  MicroGPT.widgets.tokenizer = function (root) {
    withData(root, "tokenizer", (vocab) => {
      const uchars = [...vocab.uchars], BOS = uchars.length;
      const input = el("input", { type: "text", value: "ava", "aria-label": "a name to tokenize", spellcheck: "false" });
      const out = el("div", { class: "mg-tokens", "aria-live": "polite" });
      const show = () => {
        const name = input.value;
        const unknown = [...new Set([...name].filter((ch) => !uchars.includes(ch)))];
        out.replaceChildren();
        if (unknown.length) {
          out.append(error("Not in the vocabulary: " + unknown.map((c) => JSON.stringify(c)).join(", ") + ". Use only " + uchars.join("") + "."));
          return;
        }
        const ids = [BOS, ...[...name].map((ch) => uchars.indexOf(ch)), BOS];
        ids.forEach((id) => out.append(el("span", { class: "mg-token" + (id === BOS ? " mg-bos" : "") },
          el("b", { text: id === BOS ? "BOS" : uchars[id] }), el("small", { text: String(id) }))));
        out.append(el("p", { class: "mg-pairs", text: plural(ids.length - 1, "pair") + " to learn from: " + ids.slice(0, -1).map((id, i) => (id === BOS ? "BOS" : uchars[id]) + "→" + (ids[i + 1] === BOS ? "BOS" : uchars[ids[i + 1]])).join("  ") }));
      };
      input.addEventListener("input", show);
      root.append(el("label", { text: "Name: " }, input), out);
      show();
    });
  };

  // 0.4: pick a token, see bigram(counts, token) of the trained table.
  MicroGPT.widgets["next-token"] = function (root) {
    withData(root, "next-token", (table) => {
      const labels = table.labels;
      const select = el("select", { "aria-label": "current token" });
      labels.forEach((label, i) => select.append(el("option", { value: String(i), text: label })));
      select.value = String(labels.length - 1);
      const out = el("div");
      const show = () => {
        const i = Number(select.value), pairs = table.pairs[i];
        out.replaceChildren(el("p", { text: "After " + labels[i] + ": " + plural(pairs, "pair") + " counted, so each probability is (count + 1) / " + (pairs + labels.length) + "." }),
          bars(table.probs[i], labels, 3));
      };
      select.addEventListener("change", show);
      root.append(el("label", { text: "Current token: " }, select), out);
      show();
    });
  };
})();

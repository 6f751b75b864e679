// Small interactive figures. A page asks for one with
//   <div class="mg-widget" data-widget="NAME"></div>
// Data comes from the results files the package wrote (results/stepN.json),
// so a widget shows the same model as the prose around it.
(function () {
  "use strict";

  const script = document.currentScript;
  const siteRoot = script ? script.src.replace(/assets\/javascripts\/widgets\.js.*$/, "") : "/";
  const cache = {};
  const results = (step) =>
    (cache[step] = cache[step] || fetch(siteRoot + "results/" + step + ".json").then((r) => r.json()));

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => (k === "text" ? (node.textContent = v) : node.setAttribute(k, v)));
    children.forEach((c) => node.append(c));
    return node;
  }

  function softmax(logits) {
    const biggest = Math.max(...logits);
    const exps = logits.map((v) => Math.exp(v - biggest));
    const total = exps.reduce((a, b) => a + b, 0);
    return exps.map((e) => e / total);
  }

  // A horizontal bar per value, labelled, with the value printed.
  function bars(values, labels, digits) {
    const biggest = Math.max(...values, 1e-12);
    const table = el("div", { class: "mg-bars" });
    values.forEach((v, i) => {
      const bar = el("span", { class: "mg-bar" });
      bar.style.width = (100 * v) / biggest + "%";
      table.append(el("span", { class: "mg-bar-label", text: labels[i] }),
        el("span", { class: "mg-bar-track" }, bar),
        el("span", { class: "mg-bar-value", text: v.toFixed(digits) }));
    });
    return table;
  }

  const widgets = {
    // 0.2: type a name, see its tokens.
    tokenizer(root) {
      results("step0").then((res) => {
        const uchars = res.uchars, BOS = uchars.length;
        const input = el("input", { type: "text", value: "ava", "aria-label": "a name to tokenize", spellcheck: "false" });
        const out = el("div", { class: "mg-tokens", "aria-live": "polite" });
        const show = () => {
          const name = input.value;
          const unknown = [...new Set([...name].filter((ch) => !uchars.includes(ch)))];
          out.replaceChildren();
          if (unknown.length) {
            out.append(el("p", { class: "mg-error", text: "Not in the vocabulary: " + unknown.map((c) => JSON.stringify(c)).join(", ") + ". Use only " + uchars.join("") + "." }));
            return;
          }
          const ids = [BOS, ...[...name].map((ch) => uchars.indexOf(ch)), BOS];
          ids.forEach((id) => out.append(el("span", { class: "mg-token" + (id === BOS ? " mg-bos" : "") },
            el("b", { text: id === BOS ? "BOS" : uchars[id] }), el("small", { text: String(id) }))));
          out.append(el("p", { text: ids.length - 1 + " pairs to learn from: " + ids.slice(0, -1).map((id, i) => (id === BOS ? "BOS" : uchars[id]) + "→" + (ids[i + 1] === BOS ? "BOS" : uchars[ids[i + 1]])).join("  ") }));
        };
        input.addEventListener("input", show);
        root.append(el("label", { text: "Name: " }, input), out);
        show();
      });
    },

    // 0.4: pick a token, see bigram(counts, token) of the trained table.
    "next-token"(root) {
      results("step0").then((res) => {
        const labels = [...res.uchars, "BOS"];
        const select = el("select", { "aria-label": "current token" });
        labels.forEach((label, i) => select.append(el("option", { value: String(i), text: label })));
        select.value = String(labels.length - 1);
        const out = el("div");
        const show = () => {
          const row = res.counts[Number(select.value)];
          const total = row.reduce((a, b) => a + b, 0) + row.length; // add-one smoothing
          out.replaceChildren(el("p", { text: "After " + labels[select.value] + ": " + (total - row.length) + " pairs counted, so each probability is (count + 1) / " + total + "." }),
            bars(row.map((c) => (c + 1) / total), labels, 3));
        };
        select.addEventListener("change", show);
        root.append(el("label", { text: "Current token: " }, select), out);
        show();
      });
    },

    // 1.3: edit logits, see softmax.
    softmax(root) {
      const input = el("input", { type: "text", value: "2, 1, 0", "aria-label": "logits, comma separated", spellcheck: "false" });
      const out = el("div", { "aria-live": "polite" });
      const show = () => {
        const logits = input.value.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
        out.replaceChildren();
        if (!logits.length || logits.some((v) => !Number.isFinite(v))) {
          out.append(el("p", { class: "mg-error", text: "Type numbers separated by commas, e.g. 2, 1, 0" }));
          return;
        }
        out.append(bars(softmax(logits), logits.map(String), 3), el("p", { text: "The probabilities add up to 1. Add the same number to every logit: nothing changes." }));
      };
      input.addEventListener("input", show);
      root.append(el("label", { text: "Logits: " }, input), out);
      show();
    },

    // 1.6: a curve, a point, and the slope of a secant of width eps.
    slope(root) {
      const f = (x) => (x * x * x) / 3 - x, df = (x) => x * x - 1;
      const x0 = 1.5, W = 320, H = 200, xs = [-2.5, 2.5], ys = [-2.5, 3];
      const px = (x) => ((x - xs[0]) / (xs[1] - xs[0])) * W, py = (y) => H - ((y - ys[0]) / (ys[1] - ys[0])) * H;
      const slider = el("input", { type: "range", min: "-12", max: "0", step: "0.5", value: "-1", "aria-label": "log10 of eps" });
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
      svg.setAttribute("class", "mg-plot");
      const text = el("p", { "aria-live": "polite" });
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
    },

    // 1.9: temperature reshapes the trained model's first-letter distribution.
    temperature(root) {
      results("step1").then((res) => {
        const labels = [...res.uchars, "BOS"];
        const slider = el("input", { type: "range", min: "0.1", max: "2", step: "0.05", value: "0.5", "aria-label": "temperature" });
        const value = el("output", { text: "0.5" });
        const out = el("div");
        const show = () => {
          const T = Number(slider.value);
          value.textContent = T.toFixed(2);
          out.replaceChildren(bars(softmax(res.bos_logits.map((v) => v / T)), labels, 3));
        };
        slider.addEventListener("input", show);
        root.append(el("p", { text: "How the trained Step 1 model picks the first letter of a name: softmax(logits / T) after BOS." }),
          el("label", { text: "T = " }, slider, value), out);
        show();
      });
    },
  };

  function mount() {
    document.querySelectorAll(".mg-widget[data-widget]:not([data-mounted])").forEach((root) => {
      const make = widgets[root.dataset.widget];
      root.dataset.mounted = "true";
      if (make) make(root);
      else root.append(el("p", { class: "mg-error", text: "Unknown widget: " + root.dataset.widget }));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();

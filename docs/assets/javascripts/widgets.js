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
      Promise.all([results("step0"), results("step1")]).then(([vocab, res]) => {
        const labels = [...vocab.uchars, "BOS"]; // Step 1 uses Step 0's tokenizer
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

    // 5.2: Adam's running mean with bias correction, over a noisy made-up gradient.
    beta(root) {
      let seed = 7;
      const noise = () => { // a small seeded generator, so the signal is the same every time
        seed = (seed * 16807) % 2147483647;
        return (seed / 2147483647) * 2 - 1;
      };
      const signal = Array.from({ length: 160 }, (_, i) => 0.6 * Math.sin(i / 25) + 0.8 * (noise() + noise()));
      const W = 320, H = 160, lo = -2, hi = 2;
      const px = (i) => (i / (signal.length - 1)) * W, py = (y) => H - ((y - lo) / (hi - lo)) * H;
      const path = (ys) => ys.map((y, i) => (i ? "L" : "M") + px(i).toFixed(1) + " " + py(y).toFixed(1)).join("");
      const slider = el("input", { type: "range", min: "0", max: "0.995", step: "0.005", value: "0.85", "aria-label": "beta" });
      const value = el("output", { text: "0.85" });
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
      svg.setAttribute("class", "mg-plot");
      const show = () => {
        const beta = Number(slider.value);
        value.textContent = beta.toFixed(3);
        let m = 0;
        const avg = signal.map((g, t) => { m = beta * m + (1 - beta) * g; return m / (1 - Math.pow(beta, t + 1)); });
        svg.innerHTML = `<path d="${path(signal)}" class="mg-tangent"/><path d="${path(avg)}" class="mg-secant"/>`;
      };
      slider.addEventListener("input", show);
      root.append(el("p", { text: "Dashed: a noisy gradient. Solid: its running mean m, bias-corrected as in Adam. Larger beta remembers longer and smooths more, but reacts later." }),
        svg, el("label", { text: "beta = " }, slider, value));
      show();
    },

    // 4.6, 5.4: the loss curves of every step, each with its own toggle.
    "loss-curves"(root) {
      const steps = (root.dataset.steps || "step0,step1,step2,step3,step4,step5").split(",");
      Promise.all(steps.map(results)).then((all) => {
        const W = 480, H = 220, window_ = 50;
        const smooth = (xs) => xs.map((_, i) => { const s = xs.slice(Math.max(0, i - window_ + 1), i + 1); return s.reduce((a, b) => a + b, 0) / s.length; });
        const curves = all.map((res) => smooth(res.losses));
        const flat = curves.flat(), lo = Math.min(...flat), hi = Math.max(...flat);
        const px = (i, n) => (i / (n - 1)) * W, py = (y) => H - ((y - lo) / (hi - lo)) * (H - 10) - 5;
        const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
        svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
        svg.setAttribute("class", "mg-plot mg-wide");
        const toggles = el("div", { class: "mg-toggles" });
        const lines = curves.map((ys, k) => {
          const line = document.createElementNS("http://www.w3.org/2000/svg", "path");
          line.setAttribute("d", ys.map((y, i) => (i ? "L" : "M") + px(i, ys.length).toFixed(1) + " " + py(y).toFixed(1)).join(""));
          line.setAttribute("class", "mg-series mg-series-" + k);
          svg.append(line);
          const box = el("input", { type: "checkbox" });
          box.checked = true;
          box.addEventListener("change", () => line.classList.toggle("mg-hidden", !box.checked));
          const last = all[k].losses.slice(-window_).reduce((a, b) => a + b, 0) / window_;
          toggles.append(el("label", { class: "mg-series-label mg-series-" + k }, box,
            " Step " + steps[k].slice(4) + " (last 50: " + last.toFixed(3) + ")"));
          return line;
        });
        root.append(el("p", { text: "Mean loss of the last 50 names at every training step, from " + lo.toFixed(2) + " to " + hi.toFixed(2) + ". Untick a step to hide it." }), svg, toggles);
        return lines;
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

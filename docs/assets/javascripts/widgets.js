// Small interactive figures. A page asks for one with
//   <div class="mg-widget" data-widget="NAME"></div>
// Each widget draws the numbers of widgets/NAME.json, which the build computed
// with the package (docs/hooks/widget_data.py): this file draws and handles
// input. Only what depends on the reader's input is computed here (the tokens
// of a typed name, the softmax of typed logits, the secant of 1.6); tests/site
// checks those against the package.
(function () {
  "use strict";

  const script = document.currentScript;
  const siteRoot = script ? script.src.replace(/assets\/javascripts\/widgets\.js.*$/, "") : "/";
  const data = (name) => fetch(siteRoot + "widgets/" + name + ".json").then((response) => {
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  });
  const plural = (n, word) => n + " " + word + (n === 1 ? "" : "s");

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => (k === "text" ? (node.textContent = v) : node.setAttribute(k, v)));
    children.forEach((c) => node.append(c));
    return node;
  }

  function error(text) {
    return el("p", { class: "mg-error", text: text });
  }

  // Draw a widget from its data file, or say visibly that the file did not load.
  function withData(root, name, draw) {
    data(name).then((values) => draw(values)).catch((reason) => {
      root.append(error("This figure could not load its data (widgets/" + name + ".json: " + reason.message +
        "). Reload the page; if the error stays, the site was built without it."));
    });
  }

  function svgElement(width, height, className) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("class", className);
    return svg;
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
    },

    // 0.4: pick a token, see bigram(counts, token) of the trained table.
    "next-token"(root) {
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
    },

    // 1.3: edit logits, see softmax.
    softmax(root) {
      const input = el("input", { type: "text", value: "2, 1, 0", "aria-label": "logits, comma separated", spellcheck: "false" });
      const out = el("div", { "aria-live": "polite" });
      const show = () => {
        const logits = input.value.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
        out.replaceChildren();
        if (!logits.length || logits.some((v) => !Number.isFinite(v))) {
          out.append(error("Type numbers separated by commas, e.g. 2, 1, 0"));
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
      const svg = svgElement(W, H, "mg-plot");
      const text = el("p", { class: "mg-slope", "aria-live": "polite" });
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
      withData(root, "temperature", (table) => {
        const slider = el("input", { type: "range", min: "0", max: String(table.temperatures.length - 1), step: "1",
          value: String(table.temperatures.indexOf(0.5)), "aria-label": "temperature" });
        const value = el("output");
        const out = el("div");
        const show = () => {
          const i = Number(slider.value);
          value.textContent = table.temperatures[i].toFixed(2);
          out.replaceChildren(bars(table.probs[i], table.labels, 3));
        };
        slider.addEventListener("input", show);
        root.append(el("p", { text: "How the trained Step 1 model picks the first letter of a name: softmax(logits / T) after BOS." }),
          el("label", { text: "T = " }, slider, value), out);
        show();
      });
    },

    // 5.2: Adam's running mean with bias correction, over a noisy made-up gradient.
    beta(root) {
      withData(root, "beta", (series) => {
        const W = 320, H = 160, lo = -2, hi = 2, n = series.signal.length;
        const px = (i) => (i / (n - 1)) * W, py = (y) => H - ((y - lo) / (hi - lo)) * H;
        const path = (ys) => ys.map((y, i) => (i ? "L" : "M") + px(i).toFixed(1) + " " + py(y).toFixed(1)).join("");
        const slider = el("input", { type: "range", min: "0", max: String(series.betas.length - 1), step: "1",
          value: String(series.betas.indexOf(series.default)), "aria-label": "beta" });
        const value = el("output");
        const svg = svgElement(W, H, "mg-plot");
        const show = () => {
          const i = Number(slider.value);
          value.textContent = String(series.betas[i]);
          svg.innerHTML = `<path d="${path(series.signal)}" class="mg-tangent"/><path d="${path(series.means[i])}" class="mg-secant"/>`;
        };
        slider.addEventListener("input", show);
        root.append(el("p", { text: "Dashed: a noisy gradient. Solid: its running mean m, bias-corrected as in Adam. Larger beta remembers longer and smooths more, but reacts later." }),
          svg, el("label", { text: "beta = " }, slider, value));
        show();
      });
    },

    // 4.6, 5.4: the loss curves of every step, each with its own toggle.
    "loss-curves"(root) {
      withData(root, "loss-curves", (loss) => {
        const steps = (root.dataset.steps || Object.keys(loss.curves).join(",")).split(",");
        const curves = steps.map((step) => loss.curves[step]);
        const W = 480, H = 220;
        const lo = Math.min(...curves.map((c) => c.lowest)), hi = Math.max(...curves.map((c) => c.highest));
        const px = (step) => (step / (loss.num_steps - 1)) * W, py = (y) => H - ((y - lo) / (hi - lo)) * (H - 10) - 5;
        const svg = svgElement(W, H, "mg-plot mg-wide");
        const toggles = el("div", { class: "mg-toggles" });
        curves.forEach((curve, k) => {
          const colour = "mg-step-" + steps[k].replace("step", "");
          const line = document.createElementNS("http://www.w3.org/2000/svg", "path");
          line.setAttribute("d", curve.mean.map((y, i) => (i ? "L" : "M") + px(curve.steps[i]).toFixed(1) + " " + py(y).toFixed(1)).join(""));
          line.setAttribute("class", "mg-series " + colour);
          svg.append(line);
          const box = el("input", { type: "checkbox" });
          box.checked = true;
          box.addEventListener("change", () => line.classList.toggle("mg-hidden", !box.checked));
          toggles.append(el("label", { class: "mg-series-label " + colour, "data-step": steps[k] }, box,
            " Step " + steps[k].replace("step", "") + " (last " + loss.window + ": " + curve.last.toFixed(3) + ")"));
        });
        root.append(el("p", { text: "Mean loss of the last " + loss.window + " names at every training step, from " + lo.toFixed(2) + " to " + hi.toFixed(2) + ". Untick a step to hide it." }), svg, toggles);
      });
    },
  };

  function mount() {
    document.querySelectorAll(".mg-widget[data-widget]:not([data-mounted])").forEach((root) => {
      const make = widgets[root.dataset.widget];
      root.dataset.mounted = "true";
      if (make) make(root);
      else root.append(error("Unknown widget: " + root.dataset.widget));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();

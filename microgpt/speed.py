"""Why is Step 5 slow? Measure it, and write docs/results/speed.json.

``python -m microgpt.speed`` (``nox -s speed``) measures, on this machine:
the `Value` objects Step 5 creates per training step and the memory its graph
holds; the time of its forward pass, backward pass and Adam update, next to the
fast engine's; how the time of one name grows with the name's length and with
`n_embd`; and the two engines side by side (microgpt.bench). The chapter
"Why is it so slow?" draws its numbers and pictures from the file. Times are
CPU time of the process (time.process_time), which other work on a shared
machine disturbs less than wall-clock time; they still depend on the machine,
which the file names.
"""

import argparse
import gc
import json
import random
import sys
import time
import tracemalloc
from pathlib import Path

from . import bench, fast, step4_transformer, step5_adam
from .config import ModelConfig, RunConfig
from .errors import MicrogptError
from .program import start
from .step2_autograd import Value, parameters, topological_order

OUTPUT = Path("docs/results/speed.json")
SPLIT_STEPS = 20  # training steps timed phase by phase
LENGTHS = (1, 2, 4, 6, 8, 12, 16)  # name lengths (positions) for the growth curve
WIDTHS = (8, 16, 24, 32)  # n_embd values for the growth curve
REPEATS = 5  # each growth point is the fastest of this many runs


def quiet(line):
    pass


class ValueCounter:
    """Counts the `Value` objects created while it is active (it wraps
    Value.__init__ for the duration of a `with` block only)."""

    def __enter__(self):
        self.created, self.original = 0, Value.__init__
        original = self.original

        def counting(value, *args, **kwargs):
            self.created += 1
            original(value, *args, **kwargs)

        Value.__init__ = counting
        return self

    def __exit__(self, *exc):
        Value.__init__ = self.original


def graph_census(state_dict, docs, tokenizer, model, steps):
    """Per training name: Values created, Values in the graph backward() walks
    (all, and those created for this name), and the memory the graph holds
    (tracemalloc: blocks and bytes)."""
    params = {id(p) for p in parameters(state_dict)}
    rows = []
    for step in range(steps):
        tokens = tokenizer.encode(docs[step % len(docs)])
        tracemalloc.start()
        with ValueCounter() as counter:
            loss = step4_transformer.name_loss(state_dict, tokens, model)
        held = tracemalloc.take_snapshot().statistics("filename")
        tracemalloc.stop()
        graph = topological_order(loss)
        rows.append({"positions": min(model.block_size, len(tokens) - 1),
                     "created": counter.created, "in_graph": len(graph),
                     "new_in_graph": sum(1 for v in graph if id(v) not in params),
                     "blocks": sum(s.count for s in held), "bytes": sum(s.size for s in held)})
    return rows


def time_split(config, steps):
    """The first `steps` training steps of both engines, phase by phase (seconds)."""
    rng, docs, tokenizer = start(config, quiet)
    model = ModelConfig()
    state_dict = step4_transformer.init_state_dict(rng, tokenizer.vocab_size, model)
    weights = {name: [[p.data for p in row] for row in m] for name, m in state_dict.items()}
    census = graph_census(state_dict, docs, tokenizer, model, steps)
    params, adam = parameters(state_dict), step5_adam.Adam(state_dict)
    engine, fast_adam = fast.Engine(model), fast.Adam(len(params))
    flat = fast.flatten(weights)
    slow = {"forward": 0.0, "backward": 0.0, "update": 0.0}
    quick = dict.fromkeys(slow, 0.0)
    for step in range(steps):
        tokens = tokenizer.encode(docs[step % len(docs)])
        t0 = time.process_time()
        loss = step4_transformer.name_loss(state_dict, tokens, model)
        t1 = time.process_time()
        loss.backward()
        t2 = time.process_time()
        adam(params, step, config.num_steps)
        t3 = time.process_time()
        forward = engine.name_loss(weights, tokens)
        t4 = time.process_time()
        fast_loss, grad = engine.backward(weights, tokens, *forward)
        t5 = time.process_time()
        flat = fast_adam(flat, fast.flatten(grad), step, config.num_steps)
        weights = fast.unflatten(flat, weights)
        t6 = time.process_time()
        if fast_loss != loss.data:
            raise MicrogptError(f"step {step + 1}: the engines' losses differ")
        for phase, slow_s, quick_s in (("forward", t1 - t0, t4 - t3), ("backward", t2 - t1, t5 - t4),
                                       ("update", t3 - t2, t6 - t5)):
            slow[phase] += slow_s
            quick[phase] += quick_s
    return census, {"step5": slow, "fast": quick}


def one_name_seconds(model, positions, vocab_size=27, seed=0):
    """Forward + backward of one name with `positions` positions, both
    engines: the fastest of REPEATS runs each; and Step 5's graph size."""
    rng = random.Random(seed)
    tokens = [vocab_size - 1] + [rng.randrange(vocab_size - 1) for _ in range(positions)]
    state_dict = step4_transformer.init_state_dict(random.Random(seed), vocab_size, model)
    weights = {name: [[p.data for p in row] for row in m] for name, m in state_dict.items()}
    engine = fast.Engine(model)
    slow, quick = [], []
    for _ in range(REPEATS):
        gc.collect()  # each run starts with the previous run's graph gone
        t0 = time.process_time()
        loss = step4_transformer.name_loss(state_dict, tokens, model)
        loss.backward()
        t1 = time.process_time()
        engine.loss_and_gradient(weights, tokens)
        t2 = time.process_time()
        slow.append(t1 - t0)
        quick.append(t2 - t1)
    nodes = len(topological_order(step4_transformer.name_loss(state_dict, tokens, model)))
    return {"step5": min(slow), "fast": min(quick), "nodes": nodes}


def growth():
    """How one name's cost grows with its length and with the width n_embd."""
    by_length = [{"positions": n, **one_name_seconds(ModelConfig(), n)} for n in LENGTHS]
    by_width = [{"n_embd": d, **one_name_seconds(ModelConfig(n_embd=d), 8)} for d in WIDTHS]
    return {"by_length": by_length, "by_width": by_width, "width_positions": 8, "repeats": REPEATS}


def measure(bench_steps, log=print):
    log(f"== phases of the first {SPLIT_STEPS} training steps, both engines")
    census, split = time_split(RunConfig(), SPLIT_STEPS)
    log("== one name, growing in length and in width")
    grown = growth()
    log(f"== side by side, {bench_steps} steps (microgpt.bench)")
    side_by_side = bench.compare(bench_steps, log=log)
    return {"split_steps": SPLIT_STEPS, "census": census, "split": split,
            "growth": grown, "bench": side_by_side}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m microgpt.speed", description=__doc__.split("\n")[0])
    parser.add_argument("--bench-steps", type=int, default=bench.DEFAULT_STEPS,
                        help=f"steps of the side-by-side run (default {bench.DEFAULT_STEPS})")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"where to write (default {OUTPUT})")
    args = parser.parse_args(argv)
    if not 1 <= args.bench_steps <= RunConfig().num_steps:
        parser.error(f"--bench-steps must be between 1 and {RunConfig().num_steps}")
    try:
        figures = measure(args.bench_steps)
    except (MicrogptError, bench.EnginesDisagree) as error:
        print(f"microgpt.speed: error: {error}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    part = args.output.with_suffix(".json.part")
    part.write_text(json.dumps(figures, indent=1) + "\n")
    part.replace(args.output)  # never a half-written file
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

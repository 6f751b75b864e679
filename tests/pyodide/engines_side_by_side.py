"""Run by test_engines_in_pyodide.py twice, as it is: inside Pyodide and in
the CPython of the test. Trains Step 5 and the fast engine for a few steps,
then the fast engine for a longer run with samples, and prints one JSON
object: each run's printed lines and its losses and weights at full
precision (float.hex, so -0.0 and 0.0 count as different)."""

import json

from microgpt import fast, step5_adam
from microgpt.config import RunConfig

ENGINE_STEPS = 4  # Step 5 takes about a second a step in Pyodide
PRINTOUT = RunConfig(num_steps=200, num_samples=10)


def trained(module, config, stop_after=None):
    printed = []
    result = module.run(config, log=printed.append, stop_after=stop_after)
    return {"printed": printed,
            "losses": [loss.hex() for loss in result["losses"]],
            "weights": [x.hex() for x in fast.flatten(result["weights"])]}


print(json.dumps({
    "step5": trained(step5_adam, RunConfig(), ENGINE_STEPS),
    "fast": trained(fast, RunConfig(), ENGINE_STEPS),
    "fast_run": trained(fast, PRINTOUT),
}))

"""Slow: every step, run in full with seed 42, prints exactly what the
reference program printed (the transcripts in reference/; see its README)."""

import subprocess
import sys
from pathlib import Path

import pytest

from microgpt.cli import FAST_STEPS, STEPS

REFERENCE = Path(__file__).parent / "reference"
pytestmark = pytest.mark.needs_names


@pytest.mark.parametrize("step", sorted(STEPS))
def test_full_run_matches_the_reference_transcript(step):
    expected = (REFERENCE / f"{step}.txt").read_text()
    done = subprocess.run([sys.executable, "-m", "microgpt", step],
                          capture_output=True, text=True, check=True)
    assert done.stdout == expected


@pytest.mark.parametrize("step", sorted(FAST_STEPS))
def test_the_fast_engine_prints_the_reference_transcript(step):
    expected = (REFERENCE / f"{step}.txt").read_text()
    done = subprocess.run([sys.executable, "-m", "microgpt", step, "--fast"],
                          capture_output=True, text=True, check=True)
    assert done.stdout == expected

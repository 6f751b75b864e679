"""How fast the site's Python feels to a reader, measured in Chromium (run by
hand; not a test): the first Run on a page in a fresh browser (cold cache), the
first Run on a second page once Python has run on a first one, and the live
training of 1.9 (Step 1) and 5.4 (Step 5, fast engine), 1,000 steps each, with
Python already started in the tab. Every figure is wall-clock from the click,
over several runs, printed with the machine's load before and after: a shared
machine is noisy, so quote the spread, not one number.

    python tests/site/measure_reader_speed.py SITE_DIR [--runs 3]

SITE_DIR is a built site (mkdocs build -d SITE_DIR).
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # browser.py, when run as a script
from browser import PAGE_TIMEOUT_MS, chromium, new_context, serve  # noqa: E402

FIRST_PAGE = "step-0/02-tokenizer/"
SECOND_PAGE = "step-1/05-forward-pass/"
LIVE_PAGES = {"1.9 Step 1": "step-1/09-training/", "5.4 Step 5 fast": "step-5/04-training-results/"}
STEPS = 1000
DONE = '.mg-run[data-block="0"]:is([data-state="done"], [data-state="failed"])'


def new_tab(browser):
    context = new_context(browser)
    return context, context.new_page()


def first_run(tab, url):
    """Open url, press Run on its first block; seconds from the click to the end of the run."""
    tab.goto(url, wait_until="load")
    button = tab.locator(".mg-run-bar").first.get_by_role("button", name="Run this code in your browser")
    started = time.perf_counter()
    button.click()
    tab.wait_for_selector(DONE)
    seconds = time.perf_counter() - started
    note = tab.locator('.mg-run[data-block="0"] .mg-run-note').inner_text()
    if "the same output as the page's" not in note:
        raise RuntimeError(f"{url}: the run did not print the page's output: {note}")
    return seconds


def live_training(tab, url, steps=STEPS, check=False):
    """Open url, start Python with a Run, then train: seconds from the click on
    Train to the first step shown, and to the end. `check`: tick 1.9's "check the
    gradient first" (a site without that box runs the check anyway)."""
    tab.goto(url, wait_until="load")
    tab.locator(".mg-run-bar").first.get_by_role("button", name="Run this code in your browser").click()
    tab.wait_for_selector(DONE)
    box = tab.locator('.mg-widget[data-widget="live-training"]')
    box.get_by_label("steps", exact=True).fill(str(steps))
    if check:
        box.get_by_label("check the gradient first").check()
    status = box.locator(".mg-live-status")
    started = time.perf_counter()
    box.get_by_role("button", name="Train in your browser").click()
    status.filter(has_text=re.compile(r"^(step \d+ / |Done:)")).wait_for(timeout=PAGE_TIMEOUT_MS * 3)
    first = time.perf_counter() - started
    status.filter(has_text="Done:").wait_for(timeout=PAGE_TIMEOUT_MS * 3)
    return first, time.perf_counter() - started


def measure(root, runs):
    figures = {}

    def record(name, seconds):
        figures.setdefault(name, []).append(seconds)
        print(f"  {name}: {seconds:.2f} s", flush=True)

    with chromium() as browser:
        for run in range(1, runs + 1):
            print(f"run {run} of {runs}", flush=True)
            context, tab = new_tab(browser)
            try:
                record("first Run, cold (fresh browser context)", first_run(tab, root + FIRST_PAGE))
                record("first Run on a second page (Python ran on one)", first_run(tab, root + SECOND_PAGE))
                step1 = LIVE_PAGES["1.9 Step 1"]
                tab.goto(root + step1, wait_until="load")
                if tab.get_by_label("check the gradient first").count():  # a site built before it had the box
                    record("1.9 Step 1: gradient check, then step 1 shown",
                           live_training(tab, root + step1, steps=1, check=True)[0])
                for name, path in LIVE_PAGES.items():
                    first, done = live_training(tab, root + path)
                    record(f"{name}: first step shown", first)
                    record(f"{name}: {STEPS:,} steps done", done)
            finally:
                context.close()
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site (mkdocs build -d SITE)")
    parser.add_argument("--runs", type=int, default=3, help="rounds of every measure (default 3)")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} is not a built site (no index.html): run mkdocs build -d {args.site}")
    load_before = os.getloadavg()
    with serve(args.site) as root:
        figures = measure(root, args.runs)
    load_after = os.getloadavg()
    print(f"\nload average (1, 5, 15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}; "
          f"after: {' '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs")
    print("\n| measure | runs | median | min | max |\n|---|---|---|---|---|")
    for name, values in figures.items():
        print(f"| {name} | {len(values)} | {statistics.median(values):.2f} s | {min(values):.2f} s "
              f"| {max(values):.2f} s |")


if __name__ == "__main__":
    main()

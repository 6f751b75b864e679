"""Collects the largest differences every parity test found and prints them
at the end of the run (the figures the README quotes). The tests run on
pytest-xdist's workers: each test's rows travel to the main process in its report."""

import pytest

MEASURED = []  # one dict per comparison, filled in by the tests of this process
REPORTED = []  # every test's rows, from the reports (of this process or of a worker)


@pytest.fixture(autouse=True)
def report_measured(request):
    yield
    request.node.user_properties.extend(("parity", row) for row in MEASURED)
    MEASURED.clear()


def pytest_runtest_logreport(report):
    if report.when == "teardown":
        REPORTED.extend(row for name, row in report.user_properties if name == "parity")


def pytest_terminal_summary(terminalreporter):
    if not REPORTED:
        return
    write = terminalreporter.write_line
    terminalreporter.section("parity with JAX (float64): largest differences")
    write(f"{'step':<6}{'shape':<28}{'name':<22}{'compared':<10}{'entries':>8}"
          f"{'|loss diff|':>12}{'max |diff|':>12}{'max rel':>10}")
    for row in sorted(REPORTED, key=lambda row: row["step"]):  # the workers' rows arrive interleaved
        loss = f"{row['loss_diff']:.1e}" if "loss_diff" in row else "-"
        write(f"{row['step']:<6}{row['shape']:<28}{row['name']:<22}{row['compared']:<10}"
              f"{row['params']:>8}{loss:>12}{row['diff']:>12.1e}{row['rel']:>10.1e}")
    worst = max(REPORTED, key=lambda row: row["diff"])
    write(f"{len(REPORTED)} comparisons; largest loss difference "
          f"{max(row.get('loss_diff', 0.0) for row in REPORTED):.1e}; largest entry difference "
          f"{worst['diff']:.1e} ({worst['step']}, {worst['shape']}, {worst['name']!r}, {worst['compared']})")

"""Collects the largest differences every parity test found and prints them
at the end of the run (the figures the README quotes)."""

MEASURED = []  # one dict per comparison, filled in by the tests


def pytest_terminal_summary(terminalreporter):
    if not MEASURED:
        return
    write = terminalreporter.write_line
    terminalreporter.section("parity with JAX (float64): largest differences")
    write(f"{'step':<6}{'shape':<28}{'name':<22}{'compared':<10}{'entries':>8}"
          f"{'|loss diff|':>12}{'max |diff|':>12}{'max rel':>10}")
    for row in MEASURED:
        loss = f"{row['loss_diff']:.1e}" if "loss_diff" in row else "-"
        write(f"{row['step']:<6}{row['shape']:<28}{row['name']:<22}{row['compared']:<10}"
              f"{row['params']:>8}{loss:>12}{row['diff']:>12.1e}{row['rel']:>10.1e}")
    worst = max(MEASURED, key=lambda row: row["diff"])
    write(f"{len(MEASURED)} comparisons; largest loss difference "
          f"{max(row.get('loss_diff', 0.0) for row in MEASURED):.1e}; largest entry difference "
          f"{worst['diff']:.1e} ({worst['step']}, {worst['shape']}, {worst['name']!r}, {worst['compared']})")

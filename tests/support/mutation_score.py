"""The mutation score per package, from `mutmut results --all true` on standard input.

Usage: mutmut results --all true | python -m tests.support.mutation_score streams.case ...
A mutant counts as killed when a test failed on it or timed out on it (a mutant that hangs
the suite is caught too); every other verdict (survived, no tests, ...) is not. The score is
killed / checked: a run limited to some mutants (`make mutation MUTANTS=...`) leaves the rest
"not checked", and they are counted apart.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable

DETECTED = frozenset({"killed", "timeout"})
UNCHECKED = "not checked"


def verdicts(lines: Iterable[str]) -> Iterable[tuple[str, str]]:
    """(mutant name, verdict) for each ``    name: verdict`` line."""
    for line in lines:
        name, sep, verdict = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            yield name, verdict


def tally(lines: Iterable[str], packages: list[str]) -> dict[str, Counter[str]]:
    """Verdict counts per package; a mutant belongs to the longest package that holds it."""
    counts: dict[str, Counter[str]] = {package: Counter() for package in packages}
    by_length = sorted(packages, key=len, reverse=True)
    for name, verdict in verdicts(lines):
        package = next((p for p in by_length if name.startswith(p + ".")), None)
        if package is not None:
            counts[package][verdict] += 1
    return counts


def report(counts: dict[str, Counter[str]]) -> list[str]:
    rows = [f"{'package':<18} {'killed':>7} {'checked':>8} {'total':>6} {'score':>7}  not killed"]
    for package, verdict_counts in counts.items():
        total = sum(verdict_counts.values())
        checked = total - verdict_counts[UNCHECKED]
        killed = sum(verdict_counts[v] for v in DETECTED)
        score = f"{100 * killed / checked:.1f}%" if checked else "-"
        rest = ", ".join(f"{n} {v}" for v, n in sorted(verdict_counts.items()) if v not in DETECTED)
        rows.append(f"{package:<18} {killed:>7} {checked:>8} {total:>6} {score:>7}  {rest or '-'}")
    return rows


def main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write(__doc__ or "")
        return 2
    counts = tally(sys.stdin, argv)
    sys.stdout.write("\n".join(report(counts)) + "\n")
    return 0 if all(counts.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

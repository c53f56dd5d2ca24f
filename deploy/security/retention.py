"""How long each topic of the bus keeps its records, as topology configures it: the table in
deploy/SECURITY.md is rendered here (and a test keeps the two equal)."""

from __future__ import annotations

from topology.topics import DAY_MS, Topics

EXAMPLE_DEPARTMENT = "tax"
"""Department topics are alike for every department; the table shows one."""


def _kept(config: dict[str, str]) -> str:
    if config.get("cleanup.policy") == "compact":
        return "compacted: the latest record per key, until deleted"
    days = int(config.get("retention.ms", "0")) // DAY_MS
    return f"{days} days"


def retention_table(prefix: str = "onething") -> str:
    """A Markdown table: every topic of a bus (one department shown), what it holds, how
    long it is kept."""
    rows = [f"| `{spec.name}` | {spec.doc} | {_kept(dict(spec.config))} |"
            for spec in Topics(prefix).all([EXAMPLE_DEPARTMENT])]  # fmt: skip
    return "\n".join(["| topic | holds | kept |", "|---|---|---|", *rows]) + "\n"

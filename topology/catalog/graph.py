"""Dependency-graph algorithms over item codes: cycle finding and deterministic ordering."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def find_cycle(edges: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A cycle as [a, b, ..., a] following prerequisite edges, or None. Unknown nodes ignored."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in edges.get(node, ()):
            if target not in edges:
                continue
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in edges:
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def stages(edges: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Nodes grouped into waves: each wave needs only earlier waves; order within is stable.

    Edges to nodes outside the mapping are ignored (they are not part of this run).
    Raises ValueError on a cycle.
    """
    done: set[str] = set()
    waves: list[list[str]] = []
    remaining = list(edges)
    while remaining:
        wave = [n for n in remaining if all(p in done or p not in edges for p in edges[n])]
        if not wave:
            raise ValueError(f"cycle among {remaining}")
        waves.append(wave)
        done.update(wave)
        remaining = [n for n in remaining if n not in done]
    return waves


def topological(edges: Mapping[str, Sequence[str]]) -> list[str]:
    """Prerequisites first; otherwise the declared order is kept."""
    return [node for wave in stages(edges) for node in wave]


def closure(start: Sequence[str], edges: Mapping[str, Sequence[str]]) -> set[str]:
    """`start` and everything it transitively needs (within the mapping)."""
    seen: set[str] = set()
    todo = [node for node in start if node in edges]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(p for p in edges[node] if p in edges)
    return seen

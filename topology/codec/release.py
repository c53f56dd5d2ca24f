"""Write ``avro/`` from the models, detect drift, and release versions into ``avro/history/``."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from topology.codec.schemagen import render
from topology.codec.schemas import load_current, load_history
from topology.events import EVENT_CLASSES, Event


def generate(avro_dir: Path, classes: Iterable[type[Event]] = EVENT_CLASSES) -> list[Path]:
    """Render every model's schema into ``avro_dir``; returns the files that changed."""
    changed = []
    for cls in classes:
        path, text = avro_dir / f"{cls.__name__}.avsc", render(cls)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def drift(avro_dir: Path, classes: Iterable[type[Event]] = EVENT_CLASSES) -> list[str]:
    """Event models whose rendered schema differs from, or is missing in, ``avro_dir``."""
    problems = []
    for cls in classes:
        path = avro_dir / f"{cls.__name__}.avsc"
        if not path.exists():
            problems.append(f"{path.name} is missing; run `onething schemas generate`")
        elif path.read_text(encoding="utf-8") != render(cls):
            problems.append(f"{path.name} differs from {cls.__qualname__}; regenerate it")
    return problems


def release(avro_dir: Path) -> list[Path]:
    """Copy each current schema whose canonical form is new into ``history/<Record>/v<N>``."""
    history = load_history(avro_dir)
    released = []
    for name, schema in load_current(avro_dir).items():
        versions = history.get(name, [])
        if versions and versions[-1].canonical == schema.canonical:
            continue
        target = avro_dir / "history" / name / f"v{len(versions) + 1}.avsc"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(schema.path, target)
        released.append(target)
    return released

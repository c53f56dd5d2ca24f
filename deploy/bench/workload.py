"""The bench workload: pre-generated applications of the national mix, encoded once."""

from __future__ import annotations

import random
from dataclasses import dataclass

from rich.progress import Progress

from topology.catalog import Catalog, load_catalog
from topology.codec import cloudevent_headers, default_codec
from topology.samples import sample_application
from topology.sealing import Sealer, sealed_application


@dataclass(frozen=True)
class Submission:
    case_id: str
    bundle_code: str
    value: bytes
    headers: list[tuple[str, bytes]]
    certificates: int


def expected_certificates(catalog: Catalog, bundle_code: str) -> int:
    bundle = catalog.bundle(bundle_code)
    return len({t for item in bundle.applicable_items() for t in item.certificate_types()})


def national_mix(
    count: int,
    run: str,
    sealer: Sealer,
    seed: int = 7,
    progress: Progress | None = None,
) -> list[Submission]:
    """``count`` clean applications, the 13 national bundles in turn, their personal values
    sealed to streams as a portal seals them (before the run: the portal's cost, not the
    bus's)."""
    catalog = load_catalog("national")
    codec = default_codec()
    rng = random.Random(seed)  # noqa: S311 - generated test data, not secrets
    bundles = list(catalog.bundles)
    certificates = {b.code: expected_certificates(catalog, b.code) for b in bundles}
    task = progress.add_task("generating applications", total=count) if progress else None
    found = []
    for n in range(count):
        bundle = bundles[n % len(bundles)]
        app = sealed_application(
            sample_application(catalog, bundle, f"{run}-{n:07d}", rng), catalog, sealer
        )
        found.append(Submission(app.case_id, bundle.code, codec.encode(app),
                                cloudevent_headers(app, source="/bench"),
                                certificates[bundle.code]))  # fmt: skip
        if progress is not None and task is not None and n % 500 == 0:
            progress.update(task, completed=n)
    if progress is not None and task is not None:
        progress.update(task, completed=count)
    return found

"""Catalogue errors: every problem names where it is (file, bundle, item) and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the catalogue data, or with a request made of it."""

    message: str
    fix: str
    file: str | None = None
    bundle: str | None = None
    item: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            f"{label} {value}"
            for label, value in (("file", self.file), ("bundle", self.bundle), ("item", self.item))
            if value
        )
        prefix = f"[{where}] " if where else ""
        return f"{prefix}{self.message}; fix: {self.fix}"


class CatalogError(ValueError):
    """The catalogue data is invalid, or a lookup failed. Carries every problem found at once."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems: tuple[Problem, ...] = (
            (problems,) if isinstance(problems, Problem) else tuple(problems)
        )
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def single(
        cls,
        message: str,
        fix: str,
        *,
        file: str | None = None,
        bundle: str | None = None,
        item: str | None = None,
    ) -> CatalogError:
        return cls(Problem(message, fix, file=file, bundle=bundle, item=item))

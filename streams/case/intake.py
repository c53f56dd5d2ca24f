"""Intake (一次告知): validate an application against the catalogue and report ALL problems."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from streams.case.form_checks import expected, value_problem
from topology.catalog import Bundle, Catalog, CatalogError, Item, load_catalog
from topology.events import ApplicantKind, ApplicationSubmitted, Problem
from topology.identifiers import citizen_id_problem, uscc_problem

CatalogLoader = Callable[[str], Catalog]


@dataclass(frozen=True)
class Accepted:
    """A valid application: the catalogue it was checked against and the items it runs."""

    catalog: Catalog
    bundle: Bundle
    items: list[Item]


def check_application(
    app: ApplicationSubmitted, today: date, loader: CatalogLoader = load_catalog
) -> Accepted | list[Problem]:
    """The accepted plan, or every problem found (never just the first)."""
    try:
        catalog = loader(app.region)
    except CatalogError as error:
        return [_problem("region", "UNKNOWN_REGION", str(error), "a region of the catalogue")]
    problems: list[Problem] = []
    if app.catalogue_version != catalog.version:
        problems.append(
            _problem(
                "catalogue_version",
                "UNKNOWN_CATALOGUE_VERSION",
                f"version {app.catalogue_version} is not served",
                f"catalogue version {catalog.version}",
            )
        )
    try:
        bundle = catalog.bundle(app.bundle_code)
    except CatalogError as error:
        return [
            *problems,
            _problem(
                "bundle_code",
                "UNKNOWN_BUNDLE",
                str(error),
                f"a bundle of the {catalog.region} catalogue",
            ),
        ]
    if not bundle.itemised:
        return [
            *problems,
            _problem(
                "bundle_code",
                "BUNDLE_NOT_ITEMISED",
                f"{bundle.name} is listed but not yet itemised here",
                "an itemised bundle",
            ),
        ]
    problems += _applicant_problems(app, bundle)
    items, selection = _items(app, bundle)
    problems += selection
    problems += _form_problems(app, catalog, items)
    problems += _material_problems(app, catalog, items, today)
    return problems or Accepted(catalog, bundle, items)


def _problem(field: str, code: str, message: str, want: str) -> Problem:
    return Problem(field=field, code=code, message=message, expected=want)


def _applicant_problems(app: ApplicationSubmitted, bundle: Bundle) -> list[Problem]:
    problems = []
    if bundle.category == "personal" and app.applicant.kind != ApplicantKind.PERSON:
        problems.append(
            _problem(
                "applicant.kind",
                "WRONG_APPLICANT_KIND",
                f"{bundle.name} is applied for by a person",
                "PERSON",
            )
        )
    if not app.applicant.name.strip():
        problems.append(
            _problem(
                "applicant.name",
                "MISSING_NAME",
                "the applicant's name is empty",
                "the full name of the person or the company",
            )
        )
    company = app.applicant.kind == ApplicantKind.COMPANY
    why = (uscc_problem if company else citizen_id_problem)(app.applicant.id_number)
    if why:
        label = "统一社会信用代码" if company else "公民身份号码"
        problems.append(
            _problem(
                "applicant.id_number", "INVALID_ID_NUMBER", f"{label}: {why}", f"a valid {label}"
            )
        )
    return problems


def _items(app: ApplicationSubmitted, bundle: Bundle) -> tuple[list[Item], list[Problem]]:
    selected = set(app.item_codes) or None
    problems = []
    for group in bundle.required_together:
        chosen = selected & set(group) if selected else set()
        if chosen and chosen != set(group):
            missing = ", ".join(sorted(set(group) - chosen))
            problems.append(
                _problem(
                    "item_codes",
                    "REQUIRED_TOGETHER",
                    f"{', '.join(sorted(chosen))} must be handled together with "
                    f"{missing} (并行办理)",
                    f"also select {missing}",
                )
            )
    try:
        return bundle.applicable_items(selected, app.situations), problems
    except CatalogError as error:
        found = [
            _problem(
                "item_codes" if "item" in p.message else "situations",
                "INVALID_SELECTION",
                p.message,
                p.fix,
            )
            for p in error.problems
        ]
        return _still_checked(bundle, selected, app.situations), problems + found


def _still_checked(
    bundle: Bundle, selected: set[str] | None, situations: dict[str, str]
) -> list[Item]:
    """The items the form and materials are still checked against when the choice of items or
    situations is invalid: the known items chosen (or every one) under the known answers, so
    a mistyped item code does not hide the form's problems (一次告知)."""
    codes = {item.code for item in bundle.items}
    known = {code for code in selected or () if code in codes} or None
    answered = {group: option for group, option in situations.items()
                if (found := bundle.situation_group(group)) and found.option(option)}  # fmt: skip
    try:
        return bundle.applicable_items(known, answered)
    except CatalogError:
        return []


def _form_problems(app: ApplicationSubmitted, catalog: Catalog, items: list[Item]) -> list[Problem]:
    problems = []
    produced = {output.code for item in items for output in item.outputs}
    needed = dict.fromkeys(code for item in items for code in item.fields if code not in produced)
    for code in needed:
        spec = catalog.field(code)
        value = app.form.get(code)
        if value is None:
            problems.append(
                _problem(
                    f"form.{code}", "MISSING_FIELD", f"{spec.name} is required", expected(spec)
                )
            )
        elif why := value_problem(spec, value):
            problems.append(
                _problem(f"form.{code}", "INVALID_FIELD", f"{spec.name} {why}", expected(spec))
            )
    return problems


def _material_problems(
    app: ApplicationSubmitted, catalog: Catalog, items: list[Item], today: date
) -> list[Problem]:
    given = {m.material_code for m in app.materials}
    promised = {c.material_code: c.due_date for c in app.commitments}
    tolerated = {code for item in items for code in item.tolerates_missing}
    problems = []
    for code in dict.fromkeys(code for item in items for code in item.materials):
        spec = catalog.material(code)
        if spec.exempt or code in given:
            continue
        if code not in promised:
            hint = "submit it, or promise it by a date (容缺)" if code in tolerated else "submit it"
            problems.append(
                _problem(f"materials.{code}", "MISSING_MATERIAL", f"{spec.name} is required", hint)
            )
    for code, due in promised.items():
        if code not in tolerated:
            problems.append(
                _problem(
                    f"commitments.{code}",
                    "COMMITMENT_NOT_ALLOWED",
                    f"material {code} cannot be promised for later",
                    "submit it now; only listed materials allow 容缺",
                )
            )
        elif due < today:
            problems.append(
                _problem(
                    f"commitments.{code}",
                    "COMMITMENT_IN_PAST",
                    f"due date {due} has passed",
                    f"a date from {today} on",
                )
            )
    return problems

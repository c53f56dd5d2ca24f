"""`onething adapter new <department>`: a package a department team can start from.

It forwards every catalogue item of the department to its system, and has a backend
Protocol and client to grow handlers on, a simulator stub, an entry point, and a test that
runs the shared adapter contract suite. It imports only the SDK's public API.
"""

from __future__ import annotations

import keyword
from pathlib import Path

from adapters.scaffold_templates import BACKEND, HANDLER, HANDLERS, PYPROJECT, SIMULATOR, TEST
from topology.catalog import Catalog, CatalogError, Item


def _items(catalog: Catalog, department: str) -> list[Item]:
    try:
        pairs = catalog.items_for_department(department)
    except CatalogError:
        return []
    return list({item.code: item for _, item in pairs}.values())


def _camel(code: str) -> str:
    return "".join(part.capitalize() for part in code.split("_"))


def scaffold(department: str, catalog: Catalog, directory: Path) -> Path:
    """Write the package under ``directory``; returns its root. Refuses to overwrite."""
    if not department.isidentifier() or keyword.iskeyword(department):
        raise ValueError(f"{department!r} is not a valid department code (snake_case)")
    package = f"onething_adapter_{department}"
    root = directory / package.replace("_", "-")
    if root.exists():
        raise FileExistsError(f"{root} already exists")
    items = _items(catalog, department)
    example = not items
    if example:
        items = [
            Item(code="example_item", name="示例事项", department=department, time_limit_days=1)
        ]
    values = {"department": department, "package": package, "camel": _camel(department)}
    handlers = "".join(HANDLER.format(code=i.code, name=i.name, **values) for i in items)
    files = {
        "pyproject.toml": PYPROJECT,
        f"{package}/__init__.py": '"""The {department} adapter for the onething bus."""\n',
        f"{package}/py.typed": "",
        f"{package}/backend.py": BACKEND,
        f"{package}/simulator.py": SIMULATOR,
        f"{package}/handlers.py": HANDLERS.replace("{handlers}", handlers),
        "tests/test_contract.py": TEST,
    }
    for relative, template in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        text = template if relative.endswith("handlers.py") else template.format(**values)
        if relative.endswith("handlers.py"):
            text = text.replace("{department}", department).replace("{camel}", values["camel"])
        path.write_text(text, encoding="utf-8")
    return root

"""The built-in department adapters, each installed under the ``onething.adapters`` entry
point group (see pyproject.toml), so a department's own package plugs in the same way."""

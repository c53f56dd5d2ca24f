"""`--insecure`: the PLAINTEXT development mode for one command, as ONETHING_SECURITY=off."""

from __future__ import annotations

import os

import typer
from rich.console import Console

from topology.settings import Settings, get_settings

INSECURE_HELP = ("PLAINTEXT development mode (as ONETHING_SECURITY=off): no authentication, no "
                 "encryption, no ACLs; the broker must be started in the same mode.")  # fmt: skip


def insecure_option() -> bool:
    """The ``--insecure`` flag, for a typer command's signature."""
    flag: bool = typer.Option(False, "--insecure", help=INSECURE_HELP)
    return flag


def settings_for(insecure: bool, console: Console) -> Settings:
    """The process's settings, switched to PLAINTEXT for it and its children when asked."""
    if insecure:
        # The environment, not only these settings: child processes and every later
        # get_settings() must agree on the mode, or they would knock on the wrong listener.
        os.environ["ONETHING_SECURITY"] = "off"
        get_settings.cache_clear()
    settings = get_settings()
    if not settings.secured:
        console.print("[yellow]security off: PLAINTEXT, no authentication, open to any local "
                      "process (development only)[/]")  # fmt: skip
    return settings


def security_label(settings: Settings) -> str:
    """How clients reach the broker, as the bench and demo report it."""
    return "SASL_SSL + SCRAM-SHA-512, ACLs" if settings.secured else "PLAINTEXT (insecure)"

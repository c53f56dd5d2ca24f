"""`python -m deploy` is the `onething` CLI (used to start the bus's child processes)."""

from deploy.cli import main

main()

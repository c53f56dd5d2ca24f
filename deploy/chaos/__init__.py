"""`onething chaos`: a seeded fault storm on the running bus, judged from its records."""

"""The bus described as data: catalogue, contracts, topics, settings. Pure; no network I/O."""

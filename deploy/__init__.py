"""How onething runs: the composition root (CLI), the local Kafka launcher, demo and bench."""

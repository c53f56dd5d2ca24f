"""Faust stream processors that run the life of a case on Kafka."""

"""`onething bench`: throughput, latency and footprint of the bus on the real broker, with
Kafka's own limit measured in the same run."""

"""The project's own single-node Apache Kafka broker (KRaft), started from Maven Central jars."""

from deploy.broker.errors import BrokerError
from deploy.broker.launcher import Broker, BrokerStatus

__all__ = ["Broker", "BrokerError", "BrokerStatus"]

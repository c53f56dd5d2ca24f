"""A principal's client configuration: a Java client properties file, shell variables, or a
librdkafka-style JSON object. The only place a password leaves the credentials file."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path

import javaproperties

from topology.kafka_access import MECHANISM, SCRAM_MODULE
from topology.secret import Secret

FORMATS = ("properties", "env", "json")


@dataclass(frozen=True)
class ClientConfig:
    """What a client of the secured bus needs to connect as ``username``."""

    bootstrap: str
    username: str
    password: Secret
    truststore: Path

    def jaas(self) -> str:
        """``sasl.jaas.config``: the values quoted as JAAS reads them (``\\`` and ``"``)."""
        user, word = jaas_quote(self.username), jaas_quote(self.password.reveal())
        return f"{SCRAM_MODULE} required username={user} password={word};"

    def properties(self) -> dict[str, str]:
        return {
            "bootstrap.servers": self.bootstrap,
            "security.protocol": "SASL_SSL",
            "sasl.mechanism": MECHANISM,
            "sasl.jaas.config": self.jaas(),
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": str(self.truststore.resolve()),
        }


def jaas_quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render(config: ClientConfig, fmt: str) -> str:
    """The configuration in one of ``FORMATS``."""
    if fmt == "properties":
        header = f"# Kafka client configuration of {config.username} (secret: keep it 0600)\n"
        return header + javaproperties.dumps(config.properties(), timestamp=False, sort_keys=False)
    if fmt == "env":
        env = {
            "ONETHING_KAFKA_BOOTSTRAP": config.bootstrap,
            "ONETHING_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "ONETHING_KAFKA_SASL_MECHANISM": MECHANISM,
            "ONETHING_KAFKA_SASL_USERNAME": config.username,
            "ONETHING_KAFKA_SASL_PASSWORD": config.password.reveal(),
            "ONETHING_KAFKA_SSL_CAFILE": str(config.truststore.resolve()),
        }
        return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items())
    if fmt == "json":
        rdkafka = {
            "bootstrap.servers": config.bootstrap,
            "security.protocol": "SASL_SSL",
            "sasl.mechanisms": MECHANISM,
            "sasl.username": config.username,
            "sasl.password": config.password.reveal(),
            "ssl.ca.location": str(config.truststore.resolve()),
        }
        return json.dumps(rdkafka, indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")

"""How a process of the bus reaches Kafka, as one principal: bootstrap servers, SASL_SSL with
SCRAM-SHA-512 and the project CA, or PLAINTEXT in the development mode.

Secured (the default), a principal's credentials come from a standard Kafka client properties
file, the one ``onething principals export NAME --format properties`` prints and a
department's own Java or librdkafka client uses as it is: ``ONETHING_KAFKA_CLIENT_PROPERTIES``
(``{principal}`` in it stands for the name), else the file the launcher keeps for every
principal under ``<state dir>/security/clients/``. A set ``ONETHING_KAFKA_BOOTSTRAP`` names
the servers; otherwise the file's ``bootstrap.servers`` does.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import javaproperties

from topology.secret import Secret
from topology.settings import Settings

MECHANISM = "SCRAM-SHA-512"
SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule"
_JAAS_OPTION = re.compile(r'(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"')


class KafkaAccessError(RuntimeError):
    """A process cannot say who it is to the broker; names the file and key, never a secret."""


def client_properties_path(state_dir: Path, principal: str) -> Path:
    """The launcher-kept client properties file of ``principal``."""
    return state_dir / "security" / "clients" / f"{principal}.properties"


@dataclass(frozen=True)
class KafkaAccess:
    """Where the broker is and who this client is to it (``username`` None: PLAINTEXT)."""

    bootstrap: str
    username: str | None = None
    password: Secret | None = None
    cafile: Path | None = None
    properties: Path | None = None
    """The client properties file it was read from: Kafka's Java tools take it as it is."""

    @property
    def secured(self) -> bool:
        return self.username is not None

    def ssl_context(self) -> ssl.SSLContext | None:
        """TLS that trusts the project CA only, and checks the broker's host name."""
        if self.cafile is None:
            return None
        return ssl.create_default_context(cafile=str(self.cafile))

    def aiokafka(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's producer, consumer and admin client."""
        options: dict[str, Any] = {"bootstrap_servers": self.bootstrap}
        if self.username is None or self.password is None:
            return options
        return options | {
            "security_protocol": "SASL_SSL",
            "sasl_mechanism": MECHANISM,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password.reveal(),
            "ssl_context": self.ssl_context(),
        }

    def librdkafka(self) -> dict[str, str]:
        """Configuration for a librdkafka client (confluent-kafka's admin client)."""
        config = {"bootstrap.servers": self.bootstrap}
        if self.username is None or self.password is None or self.cafile is None:
            return config
        return config | {
            "security.protocol": "SASL_SSL",
            "sasl.mechanisms": MECHANISM,
            "sasl.username": self.username,
            "sasl.password": self.password.reveal(),
            "ssl.ca.location": str(self.cafile),
        }


def _jaas_options(text: str, where: str) -> dict[str, str]:
    if not text.strip().startswith(SCRAM_MODULE):
        raise KafkaAccessError(f"{where}: sasl.jaas.config must use {SCRAM_MODULE}")
    return {
        key: re.sub(r"\\(.)", r"\1", value) for key, value in _JAAS_OPTION.findall(text)
    }


def read_client_properties(path: Path, bootstrap: str | None = None) -> KafkaAccess:
    """A client properties file as access; ``bootstrap`` overrides ``bootstrap.servers``."""
    try:
        with path.open(encoding="iso-8859-1") as handle:
            props: dict[str, str] = javaproperties.load(handle)
    except OSError as error:
        raise KafkaAccessError(f"cannot read Kafka client properties {path}: "
                               f"{error.strerror or error}") from None  # fmt: skip
    servers = bootstrap or props.get("bootstrap.servers")
    if not servers:
        raise KafkaAccessError(f"{path}: bootstrap.servers is missing")
    protocol = props.get("security.protocol", "PLAINTEXT")
    if protocol == "PLAINTEXT":
        return KafkaAccess(servers, properties=path)
    if protocol != "SASL_SSL":
        raise KafkaAccessError(f"{path}: security.protocol={protocol} is not supported: "
                               "use SASL_SSL (or PLAINTEXT in the development mode)")  # fmt: skip
    if props.get("sasl.mechanism") != MECHANISM:
        raise KafkaAccessError(f"{path}: sasl.mechanism must be {MECHANISM}")
    options = _jaas_options(props.get("sasl.jaas.config", ""), str(path))
    missing = [key for key in ("username", "password") if not options.get(key)]
    if missing:
        raise KafkaAccessError(f"{path}: sasl.jaas.config lacks {' and '.join(missing)}")
    if props.get("ssl.truststore.type", "PEM") != "PEM" or not props.get("ssl.truststore.location"):
        raise KafkaAccessError(f"{path}: set ssl.truststore.type=PEM and "
                               "ssl.truststore.location to the project CA (ca.pem)")  # fmt: skip
    cafile = Path(props["ssl.truststore.location"])
    if not cafile.is_file():
        raise KafkaAccessError(f"{path}: ssl.truststore.location {cafile} does not exist")
    return KafkaAccess(servers, options["username"], Secret(options["password"]), cafile, path)


def kafka_access(settings: Settings, principal: str) -> KafkaAccess:
    """How this process reaches the bus's broker as ``principal``. The servers are
    ``ONETHING_KAFKA_BOOTSTRAP`` when it is set, else the file's ``bootstrap.servers``."""
    if not settings.secured:
        return KafkaAccess(settings.kafka_bootstrap)
    servers = settings.kafka_bootstrap if "kafka_bootstrap" in settings.model_fields_set else None
    if settings.kafka_client_properties:
        path = Path(settings.kafka_client_properties.replace("{principal}", principal))
        return read_client_properties(path, bootstrap=servers)
    path = client_properties_path(settings.state_dir, principal)
    if not path.exists():
        raise KafkaAccessError(
            f"no Kafka credentials for principal {principal!r} ({path} is missing): start the "
            "broker with `onething broker start`, which keeps them, or set "
            "ONETHING_KAFKA_CLIENT_PROPERTIES to a file from `onething principals export`"
        )
    return read_client_properties(path, bootstrap=servers)

"""`principals export`: a Kafka client properties file that parses back to the principal."""

import json
import re
import shlex

import pytest
from typer.testing import CliRunner

from deploy.cli import app
from deploy.security.ca import ensure_certificates
from deploy.security.client_config import ClientConfig, render
from deploy.security.credentials import CredentialStore
from deploy.security.files import SecurityLayout
from topology.kafka_access import read_client_properties
from topology.secret import Secret
from topology.settings import get_settings

pytestmark = pytest.mark.unit


def load_properties(text: str) -> dict[str, str]:
    """What java.util.Properties.load reads (the escapes the export uses)."""
    props = {}
    for line in text.splitlines():
        if not line or line[0] in "#!":
            continue
        key, _, raw = line.partition("=")
        value = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), raw)
        value = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r", "f": "\f"}.get(
            m.group(1), m.group(1)), value)  # fmt: skip
        props[key] = value.encode("utf-16", "surrogatepass").decode("utf-16")
    return props


def parse_jaas(config: str) -> dict[str, str]:
    """The options of one JAAS entry, as Kafka's JaasConfig (a StreamTokenizer) reads them."""
    options = re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', config)
    return {key: re.sub(r"\\(.)", r"\1", value) for key, value in options}


def config(password: str, truststore="/srv/ca.pem") -> ClientConfig:
    from pathlib import Path

    return ClientConfig("127.0.0.1:9093", "tax", Secret(password), Path(truststore))


def test_the_properties_name_the_principal_and_its_protocol():
    props = load_properties(render(config("pw"), "properties"))
    assert props["security.protocol"] == "SASL_SSL"
    assert props["sasl.mechanism"] == "SCRAM-SHA-512"
    assert props["ssl.truststore.type"] == "PEM"
    assert props["ssl.truststore.location"] == "/srv/ca.pem"
    assert props["bootstrap.servers"] == "127.0.0.1:9093"
    jaas = props["sasl.jaas.config"]
    assert jaas.startswith("org.apache.kafka.common.security.scram.ScramLoginModule required ")
    assert jaas.endswith(";")
    assert parse_jaas(jaas) == {"username": "tax", "password": "pw"}


@pytest.mark.parametrize("password", ['a"b', "back\\slash", 'x\\"; y=1', "汉字 tab\t"])
def test_a_password_survives_jaas_and_properties_escaping(password):
    props = load_properties(render(config(password, "/srv/证书/ca.pem"), "properties"))
    assert parse_jaas(props["sasl.jaas.config"])["password"] == password
    assert props["ssl.truststore.location"] == "/srv/证书/ca.pem"


def test_the_properties_file_is_ascii_as_java_reads_it():
    text = render(config("证😀", "/srv/证书/ca.pem"), "properties")
    assert text.isascii()
    assert "\\u8bc1" in text
    assert "\\ud83d\\ude00" in text


def test_the_bus_reads_an_exported_file_back_as_the_principal(tmp_path):
    layout = SecurityLayout(tmp_path)
    ensure_certificates(layout)
    ca = layout.ca_cert
    path = tmp_path / "tax.properties"
    path.write_text(render(config('p"w\\', str(ca)), "properties"), encoding="ascii")
    access = read_client_properties(path)
    assert (access.bootstrap, access.username, access.cafile) == ("127.0.0.1:9093", "tax", ca)
    assert access.password is not None
    assert access.password.reveal() == 'p"w\\'
    assert access.aiokafka()["security_protocol"] == "SASL_SSL"


def test_env_and_json_formats():
    env = render(config("p w'"), "env")
    assert "export ONETHING_KAFKA_SASL_PASSWORD=" + shlex.quote("p w'") in env
    rdkafka = json.loads(render(config("pw"), "json"))
    assert rdkafka["sasl.username"] == "tax"
    assert rdkafka["sasl.password"] == "pw"
    assert rdkafka["sasl.mechanisms"] == "SCRAM-SHA-512"


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("ONETHING_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("ONETHING_KAFKA_BOOTSTRAP", "127.0.0.1:9093")
    get_settings.cache_clear()
    yield SecurityLayout(tmp_path)
    get_settings.cache_clear()


def test_create_then_export_prints_the_principal_and_list_no_secret(state):
    runner = CliRunner()
    assert runner.invoke(app, ["principals", "create", "tax"]).exit_code == 0
    password = CredentialStore(state.credentials).entry("tax").current.password.reveal()
    exported = runner.invoke(app, ["principals", "export", "tax", "--format", "properties"])
    assert exported.exit_code == 0, exported.output
    props = load_properties(exported.output)
    assert parse_jaas(props["sasl.jaas.config"]) == {"username": "tax", "password": password}
    assert props["ssl.truststore.location"] == str(state.ca_cert.resolve())
    listed = runner.invoke(app, ["principals", "list"], env={"COLUMNS": "200"})
    assert "tax" in listed.output
    assert password not in listed.output


def test_rotate_and_errors_never_print_a_password(state):
    runner = CliRunner()
    runner.invoke(app, ["principals", "create", "--all"])
    old = CredentialStore(state.credentials).entry("tax").current.password.reveal()
    rotated = runner.invoke(app, ["principals", "rotate", "tax"])
    new = CredentialStore(state.credentials).entry("tax").current.password.reveal()
    again = runner.invoke(app, ["principals", "create", "tax"])
    unknown = runner.invoke(app, ["principals", "export", "taxx"])
    assert again.exit_code == 1
    assert unknown.exit_code == 1
    for result in (rotated, again, unknown):
        assert old not in result.output
        assert new not in result.output


def test_no_command_takes_a_password_argument():
    from typer.main import get_command

    group = get_command(app).commands["principals"]
    params = [p.name for cmd in group.commands.values() for p in cmd.params]
    assert not [name for name in params if "pass" in name or "secret" in name]

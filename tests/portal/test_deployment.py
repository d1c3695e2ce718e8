"""The production shape in docker-compose.yml: only the TLS proxy is reachable from outside,
and the web service trusts forwarded client addresses from that proxy alone (the audit trail
records them). Docker does not run here, so the file itself is checked."""

import ipaddress
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def environment(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def proxy_of(compose) -> tuple[str, dict]:
    (found,) = [
        (name, service)
        for name, service in compose["services"].items()
        if str(service.get("image", "")).startswith("caddy:2")
    ]
    return found


def test_no_service_trusts_forwarded_headers_from_everyone(compose):
    for name, service in compose["services"].items():
        trusted = environment(service).get("FORWARDED_ALLOW_IPS", "")
        assert "*" not in trusted, name
        command = " ".join(map(str, service.get("command") or []))
        assert "forwarded-allow-ips=*" not in command.replace(" ", "="), name


def test_only_the_proxy_publishes_a_port(compose):
    proxy, _ = proxy_of(compose)
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {proxy}
    assert "ports" not in compose["services"]["web"]


def test_the_web_service_trusts_exactly_the_proxys_fixed_address(compose):
    _, proxy = proxy_of(compose)
    address = ipaddress.ip_address(proxy["networks"]["default"]["ipv4_address"])
    (subnet,) = compose["networks"]["default"]["ipam"]["config"]
    assert address in ipaddress.ip_network(subnet["subnet"])
    assert environment(compose["services"]["web"])["FORWARDED_ALLOW_IPS"] == str(address)


def test_the_proxy_forwards_to_the_web_service_and_trusts_no_client_headers(compose):
    _, proxy = proxy_of(compose)
    mounts = [volume.split(":") for volume in proxy["volumes"]]
    (source,) = [m[0] for m in mounts if m[1] == "/etc/caddy/Caddyfile"]
    lines = (ROOT / source).read_text().splitlines()
    caddyfile = "\n".join(line for line in lines if not line.strip().startswith("#"))
    assert "reverse_proxy web:8000" in caddyfile
    # Caddy keeps an incoming X-Forwarded-For only from trusted_proxies: none are listed.
    assert "trusted_proxies" not in caddyfile


def test_the_channel_layer_is_passed_through_with_a_default_the_settings_know(compose, settings):
    value = environment(compose["services"]["web"])["CHANNEL_LAYER"]
    variable, default = re.fullmatch(r"\$\{(\w+):-(\w+)\}", value).groups()
    assert variable == "CHANNEL_LAYER"
    assert default in settings.REDIS_LAYERS


def test_docker_waits_for_uvicorns_graceful_shutdown_before_killing(compose):
    # Docker's SIGKILL must not cut uvicorn's closing of open sockets short.
    dockerfile = (ROOT / "Dockerfile").read_text()
    graceful = int(re.search(r"--timeout-graceful-shutdown (\d+)", dockerfile).group(1))
    grace = compose["services"]["web"]["stop_grace_period"]
    assert int(re.fullmatch(r"(\d+)s", grace).group(1)) > graceful

"""Rate limits: a public client is slowed down, the machine's own user never is.

A researcher paging through results with a script against their own `vnsearch serve` used to
get HTTP 429 within a minute. Requests from loopback are exempt, and a server on 127.0.0.1
starts with no limit at all; a public address gets 120 requests a minute per client.
"""

import ipaddress
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tests import webui_fixtures
from vnsearch.cli.main import main
from webui import create_app
from webui.security import PUBLIC_RATE_LIMIT, RateLimiter, is_loopback, serve_rate_limit

data_dir = webui_fixtures.data_dir

PUBLIC = "203.0.113.7"  # documentation addresses: never anyone's real address
OTHER_PUBLIC = "198.51.100.20"
SERVE = "from vnsearch.cli.main import main; main()"


def limited_client(data_dir, rate="3/minute", **config):
    return create_app({"DATA_DIR": data_dir, "RATE_LIMIT": rate, **config}).test_client()


def get(client, path, address, **headers):
    return client.get(path, environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_a_public_client_over_the_limit_gets_429_with_retry_after(data_dir):
    client = limited_client(data_dir)
    statuses = [get(client, "/api/officials", PUBLIC).status_code for _ in range(3)]
    limited = get(client, "/api/search", PUBLIC)
    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert limited.get_json() == {"error": "too many requests; slow down"}
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert get(client, "/feed.atom", PUBLIC).status_code == 429
    assert get(client, "/search", PUBLIC).status_code == 200  # pages are left to the proxy
    assert get(client, "/api/officials", OTHER_PUBLIC).status_code == 200


@pytest.mark.parametrize("address", ["127.0.0.1", "127.3.4.5", "::1", "::ffff:127.0.0.1"])
def test_a_script_on_the_same_machine_is_never_limited(data_dir, address):
    client = limited_client(data_dir)
    statuses = {get(client, f"/api/search?q=dan+van&page={n % 3 + 1}", address).status_code
                for n in range(60)}
    assert statuses == {200}
    assert [get(client, "/api/officials", PUBLIC).status_code for _ in range(4)][-1] == 429


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(data_dir):
    client = limited_client(data_dir, "1/minute")
    spoofed = [get(client, "/api/officials", PUBLIC, **{"X-Forwarded-For": "127.0.0.1"})
               for _ in range(2)]
    assert [r.status_code for r in spoofed] == [200, 429]


def test_behind_a_trusted_proxy_the_forwarded_client_is_limited(data_dir):
    client = limited_client(data_dir, "1/minute", TRUSTED_PROXIES=1)
    proxy = "127.0.0.1"  # nginx on the same machine
    visitors = [get(client, "/api/officials", proxy, **{"X-Forwarded-For": f"10.0.0.{n}"})
                for n in (1, 2, 1)]
    assert [r.status_code for r in visitors] == [200, 200, 429]
    local = [get(client, "/api/officials", proxy, **{"X-Forwarded-For": "127.0.0.1"})
             for _ in range(3)]
    assert {r.status_code for r in local} == {200}


def test_rate_limiter_windows():
    limiter = RateLimiter.parse("2 per second")
    assert [limiter.wait("a", 10.0), limiter.wait("a", 10.1)] == [0, 0]
    assert limiter.wait("a", 10.5) == pytest.approx(0.5)
    assert limiter.wait("a", 11.0) == 0
    with pytest.raises(ValueError):
        RateLimiter.parse("lots")


@pytest.mark.parametrize(
    "host, option, applied",
    [
        ("127.0.0.1", None, None),
        ("::1", None, None),
        ("localhost", None, None),
        ("0.0.0.0", None, PUBLIC_RATE_LIMIT),
        ("192.0.2.10", None, PUBLIC_RATE_LIMIT),
        ("127.0.0.1", "60/minute", "60/minute"),
        ("0.0.0.0", "off", None),
        ("0.0.0.0", "OFF", None),
    ],
)
def test_serve_limits_by_default_only_on_a_public_address(host, option, applied):
    assert serve_rate_limit(option, host) == applied


@given(st.ip_addresses())
def test_loopback_is_exactly_127_slash_8_and_ipv6_one(address):
    expected = address.is_loopback
    assert is_loopback(str(address)) is expected
    if address.version == 4:
        mapped = ipaddress.IPv6Address(f"::ffff:{address}")
        assert is_loopback(str(mapped)) is expected


@pytest.mark.parametrize("text", ["", "unix socket", "localhost", "127.0.0.1.5", "::1::"])
def test_an_address_that_is_not_an_ip_is_not_loopback(text):
    assert is_loopback(text) is False


@contextmanager
def served(data_dir, *options):
    """`vnsearch serve` on 127.0.0.1 as a user starts it; yields its base URL and, once it has
    stopped, what it said on stderr (in ``said[0]``)."""
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--port", "0", *options, "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    said = []
    try:
        line = server.stdout.readline()
        assert "serving" in line, line
        yield line.strip().rsplit(" ", 1)[-1].rstrip("/"), said
    finally:
        server.send_signal(signal.SIGTERM)
        said.append(server.communicate(timeout=10)[1])


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_real_local_server_answers_a_script_in_a_loop_without_429(data_dir):
    """Many more requests than a minute's public budget, as fast as the server answers."""
    requests = int(PUBLIC_RATE_LIMIT.split("/")[0]) + 80
    with served(data_dir) as (base, said):
        statuses = [status_of(f"{base}/api/search?q=hoi+nghi&page={n % 2 + 1}&page_size=1")
                    for n in range(requests)]
    assert len(statuses) == requests and set(statuses) == {200}
    assert "rate limit: off" in said[0]


def test_serve_warns_that_a_limit_on_loopback_limits_no_one(data_dir):
    with served(data_dir, "--rate-limit", "5/minute") as (base, said):
        statuses = {status_of(f"{base}/api/officials") for _ in range(10)}
    assert statuses == {200}
    assert "--rate-limit limits no one here" in said[0] and "--trusted-proxies" in said[0]
    assert "rate limit: 5/minute per client" in said[0]


def test_serve_help_says_when_the_limit_applies():
    text = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    assert "120/minute when --host is a public address, off on loopback" in text
    assert "Requests from loopback (127.0.0.0/8, ::1) are never limited" in text

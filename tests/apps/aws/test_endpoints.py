"""Where a source saved from the web may send its signed requests (apps/aws/endpoints.py): every
way of writing an address on this server's own networks is refused with a message that says
which address and how the operator can allow it; STEPSCOPE_AWS_ENDPOINT_ALLOW lets a host
through. Names are resolved by socket.getaddrinfo, patched here where a test needs a name to lead
somewhere (the OS's resolver, not Stepscope's code), so no test asks real DNS."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from apps.aws.endpoints import (
    EndpointRefused,
    address_kind,
    allow_patterns,
    endpoint_check,
    request_check,
)
from apps.aws.errors import AwsSetupError
from tests.apps.aws.dns import fake_dns

ADVICE = "the operator can allow this endpoint with STEPSCOPE_AWS_ENDPOINT_ALLOW="


@pytest.fixture(autouse=True)
def nothing_allowed(settings: Any) -> None:
    settings.STEPSCOPE_AWS_ENDPOINT_ALLOW = []


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://127.0.0.1:6379", "127.0.0.1 is a loopback address"),
        ("http://localhost:4566", "localhost resolves to 127.0.0.1, a loopback address"),
        ("http://2130706433/", "2130706433 stands for 127.0.0.1, a loopback address"),
        ("http://0x7f.1/", "0x7f.1 stands for 127.0.0.1, a loopback address"),
        ("http://0177.0.0.1:5000/", "0177.0.0.1 stands for 127.0.0.1, a loopback address"),
        ("http://127.1/", "127.1 stands for 127.0.0.1, a loopback address"),
        ("http://[::1]:4566", "::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 stands for 127.0.0.1, a loopback"),
        ("http://[::ffff:7f00:1]/", "::ffff:7f00:1 stands for 127.0.0.1, a loopback address"),
        ("http://[64:ff9b::7f00:1]/", "stands for 127.0.0.1, a loopback address"),
        ("http://0.0.0.0:8000/", "0.0.0.0 is an unspecified address"),
        ("http://0/", "0 stands for 0.0.0.0, an unspecified address"),
        ("http://[::]/", ":: is an unspecified address"),
        ("http://169.254.169.254/latest/", "169.254.169.254 is a cloud metadata address"),
        ("http://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address"),
        ("http://169.254.170.2/", "169.254.170.2 is a cloud metadata address"),
        ("http://[::ffff:169.254.169.254]/", "stands for 169.254.169.254, a cloud metadata"),
        ("http://169.254.1.1/", "169.254.1.1 is a link-local address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://10.0.0.7:4566/", "10.0.0.7 is a private address"),
        ("http://172.16.0.1/", "172.16.0.1 is a private address"),
        ("https://192.168.1.10/", "192.168.1.10 is a private address"),
        ("http://[fd12:3456::1]/", "fd12:3456::1 is a private address"),
        ("http://100.64.0.1/", "100.64.0.1 is a shared (carrier-grade NAT) address"),
        ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("http://[ff02::1]/", "ff02::1 is a multicast address"),
        ("http://[2001:db8::1]/", "2001:db8::1 is a private address"),  # documentation
        ("http://255.255.255.255/", "255.255.255.255 is a private address"),  # broadcast
    ],
)
def test_addresses_on_this_servers_networks_are_refused(url, message):
    with pytest.raises(EndpointRefused) as refused:
        endpoint_check(url)
    text = str(refused.value)
    assert message in text
    assert "may not reach loopback, link-local, private, multicast, reserved or cloud" in text
    assert ADVICE in text
    assert refused.value.field == "endpoint_url"


@pytest.mark.parametrize(
    "url, message",
    [
        ("127.0.0.1:5000", "is not an http:// or https:// URL with a host"),
        ("ftp://example.com/", "is not an http:// or https:// URL with a host"),
        ("file:///etc/passwd", "is not an http:// or https:// URL with a host"),
        ("http://", "is not an http:// or https:// URL with a host"),
        ("http://user:secret@example.com/", "holds a user name or password"),
        ("http://@example.com/", "holds a user name or password"),
        ("http://example.com/?next=http://127.0.0.1/", "has a query (?...) or a fragment"),
        ("http://example.com/#@127.0.0.1", "has a query (?...) or a fragment"),
        ("http://example.com?", "has a query (?...) or a fragment"),
        ("http://example.com:99999/", "has a port that is not a number from 1 to 65535"),
        ("http://example.com:http/", "has a port that is not a number from 1 to 65535"),
        ("http://exa mple.com/", "holds spaces, backslashes or control characters"),
        ("http://example.com\\@127.0.0.1/", "holds spaces, backslashes or control characters"),
        ("http://example.com/\n", "holds spaces, backslashes or control characters"),
        ("http://ex%61mple.com/", "has a host name with characters other than"),
        ("http://bücher.example/", "xn-- form"),
        ("http://example.com/a%2e%2e/", "has a path with characters other than"),
    ],
)
def test_urls_that_are_not_plain_http_endpoints_are_refused(url, message):
    with pytest.raises(EndpointRefused, match="The endpoint URL") as refused:
        endpoint_check(url)
    assert message in str(refused.value)


def test_names_that_lead_to_internal_addresses_or_nowhere_are_refused(monkeypatch):
    dns = fake_dns(
        monkeypatch,
        {
            "metadata.google.internal": ["169.254.169.254"],
            "redis.corp.example": ["10.1.2.3"],
            "split.example": ["93.184.216.34", "127.0.0.1"],  # one bad answer is enough
            "v6.example": ["2606:4700::1", "::1"],
            "gone.example": [],
        },
    )
    cases = {
        "http://metadata.google.internal/": "resolves to 169.254.169.254, a cloud metadata",
        "http://redis.corp.example:6379/": "resolves to 10.1.2.3, a private address",
        "https://split.example/": "resolves to 127.0.0.1, a loopback address",
        "https://v6.example/": "resolves to ::1, a loopback address",
        "https://gone.example/": "The endpoint host gone.example has no DNS answer on this server",
    }
    for url, message in cases.items():
        with pytest.raises(EndpointRefused) as refused:
            endpoint_check(url)
        assert message in str(refused.value), url
    assert "STEPSCOPE_AWS_ENDPOINT_ALLOW=metadata.google.internal:80" in str(
        pytest.raises(EndpointRefused, endpoint_check, "http://metadata.google.internal/").value
    )
    assert set(dns.asked) == {name.split("/")[2].split(":")[0] for name in cases}


def test_public_endpoints_pass(monkeypatch):
    fake_dns(monkeypatch, {"localstack.example.com": ["93.184.216.34", "2606:2800:220:1::"]})
    for url in (
        "",
        "https://localstack.example.com:4566",
        "https://localstack.example.com/",
        "http://93.184.216.34:4566/",
        "https://[2606:4700:4700::1111]/",
        "https://states.us-east-1.amazonaws.com/path",
    ):
        if "amazonaws" in url:
            fake_dns(monkeypatch, {"states.us-east-1.amazonaws.com": ["52.94.0.1"]})
        assert endpoint_check(url) == url


def test_the_operators_allow_list(settings, monkeypatch):
    fake_dns(monkeypatch, {"sfn.internal.example.com": ["10.0.0.8"], "localstack": ["172.18.0.2"]})
    settings.STEPSCOPE_AWS_ENDPOINT_ALLOW = [
        "127.0.0.1:5000",
        "localhost:4566",
        "*.internal.example.com",
        "[::1]:4566",
        "LocalStack",
    ]
    allowed = [
        "http://127.0.0.1:5000",
        "http://2130706433:5000/",  # the same address, written another way
        "http://localhost:4566",
        "https://sfn.internal.example.com:8443",
        "http://[::1]:4566/",
        "http://localstack:4566",  # no port in the pattern: any port
        "http://localstack/",
    ]
    for url in allowed:
        assert endpoint_check(url) == url
    refused = [
        "http://127.0.0.1:6379",  # another port
        "http://localhost:6379",
        "http://127.0.0.1/",  # port 80 unless given
        "https://internal.example.com/",  # the wildcard needs a label before it
        "http://[::1]:6379/",
    ]
    for url in refused:
        with pytest.raises(EndpointRefused):
            endpoint_check(url)
    # the allow-list never lets a malformed URL through
    with pytest.raises(EndpointRefused, match="holds a user name or password"):
        endpoint_check("http://user:pw@127.0.0.1:5000")


def test_a_malformed_allow_list_is_named():
    with pytest.raises(AwsSetupError, match="STEPSCOPE_AWS_ENDPOINT_ALLOW has 'http://x:1'"):
        allow_patterns(["http://x:1"])
    with pytest.raises(AwsSetupError, match="not a host\\[:port\\] pattern"):
        allow_patterns(["localhost:70000"])
    assert [p.port for p in allow_patterns(["a:1", "[fd00::1]:4566", "*.b.example"])] == [
        1,
        4566,
        None,
    ]


def test_request_time_check_takes_the_requests_own_url(monkeypatch):
    fake_dns(
        monkeypatch, {"states.example.net": ["52.94.0.1"], "sync-states.example.com": ["10.0.0.1"]}
    )
    request_check("https://states.example.net:443/?Action=x")  # a request's query is fine
    with pytest.raises(EndpointRefused, match="^Refused to send a request: the endpoint host"):
        request_check("https://sync-states.example.com/")


@pytest.mark.parametrize(
    "address, kind",
    [
        ("8.8.8.8", ""),
        ("2606:4700:4700::1111", ""),
        ("127.0.0.53", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("2002:a00:1::", "private"),  # 6to4 around 10.0.0.1
        ("fd00:ec2::23", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("192.0.0.8", "reserved"),
        ("198.18.0.1", "private"),
    ],
)
def test_address_kinds(address, kind):
    assert address_kind(ipaddress.ip_address(address)) == kind

"""Where an AWS source saved from the web may send its signed requests.

Every request Stepscope sends for a source is signed with the server's AWS credentials and carries
their session token. An endpoint URL typed into the web form must therefore not turn Stepscope
against the networks it runs in (its own Redis on 127.0.0.1:6379, the instance metadata service on
169.254.169.254 or fd00:ec2::254, a private address), so an endpoint from the web:

- is http:// or https:// with a host, and has no user name or password, query or fragment;
- leads only to public addresses: its host is resolved (socket.getaddrinfo; a number in any
  form the C library reads, such as 2130706433 or 0x7f.1, is that IPv4 address) and every address
  it gives is classified with `ipaddress`. Loopback, link-local, private, multicast, reserved,
  unspecified, shared (carrier-grade NAT), cloud metadata and other non-public addresses are
  refused, IPv6 included, and so are IPv4 addresses inside IPv6 ones (::ffff:127.0.0.1, NAT64,
  6to4). A host with no DNS answer is refused too;
- unless the operator allows its host in STEPSCOPE_AWS_ENDPOINT_ALLOW: comma-separated
  `host[:port]` patterns matched against the host as written in the URL (lower case; an IPv6
  address in brackets, `[fd00::1]:4566`; an IP address also matches its other spellings). `*`
  stands for any characters (`*.internal.example.com`); without a port any port matches, with one
  only that port (80 and 443 for URLs that name none). An allowed host is allowed whatever it
  resolves to.

clients.py runs the address check again before every request of such a source (botocore's
before-send event), so a DNS answer that changes after the form was saved (DNS rebinding) is
still caught. Endpoints given on the command line (`aws_sync --endpoint-url`) are the operator's
own and are not checked.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

from apps.aws.errors import AwsSetupError

SETTING = "STEPSCOPE_AWS_ENDPOINT_ALLOW"
DEFAULT_PORTS = {"http": 80, "https": 443}
HOST_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$")
URL_PATH = re.compile(r"^(/[A-Za-z0-9._~-]*)*$")
UNSAFE_CHARACTERS = re.compile(r"[\s\\\x00-\x1f\x7f]")
ALLOW_PATTERN = re.compile(
    r"^(?:\[(?P<ipv6>[0-9a-f:.]+)\]|(?P<host>[a-z0-9_.*-]+))(?::(?P<port>\d{1,5}))?$"
)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
METADATA = frozenset(
    ipaddress.ip_address(text)
    for text in (
        "169.254.169.254",  # instance metadata: AWS, Google Cloud, Azure, OpenStack
        "169.254.170.2",  # ECS task credentials
        "169.254.170.23",  # EKS Pod Identity
        "fd00:ec2::254",  # AWS instance metadata over IPv6
        "fd00:ec2::23",  # EKS Pod Identity over IPv6
        "100.100.100.200",  # Alibaba Cloud metadata
    )
)
SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT
# Special-purpose blocks that not every Python's `ipaddress` counts as non-global.
SPECIAL = tuple(
    ipaddress.ip_network(text)
    for text in ("192.0.0.0/24", "192.88.99.0/24", "198.18.0.0/15", "3fff::/20", "5f00::/16")
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
KINDS = (
    ("unspecified", "is_unspecified"),
    ("loopback", "is_loopback"),
    ("link-local", "is_link_local"),
    ("multicast", "is_multicast"),
    ("private", "is_private"),
    ("reserved", "is_reserved"),
)


class EndpointRefused(AwsSetupError):
    """An endpoint a source saved from the web may not use; the message says why and how the
    operator can allow it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="endpoint_url")


@dataclass(frozen=True)
class Endpoint:
    url: str
    scheme: str
    host: str  # lower case, an IPv6 address without its brackets, no trailing dot
    port: int

    @property
    def host_port(self) -> str:
        """As an allow-list pattern for exactly this endpoint: host:port, [ipv6]:port."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def _literal(host: str) -> Address | None:
    """The address a host written as a number stands for: an IP address in standard form, or an
    IPv4 address in a form the C library also reads (2130706433, 0x7f.1, 0177.0.0.1, 127.1)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if ":" in host:
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries to (IPv4-mapped, NAT64, 6to4), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def address_kind(address: Address) -> str:
    """Why the address is not public ("loopback", "cloud metadata", ...), or "" when it is."""
    if address in METADATA:
        return "cloud metadata"
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            return address_kind(inner)
    for kind, attribute in KINDS:
        if getattr(address, attribute):
            return kind
    if address in SHARED:
        return "shared (carrier-grade NAT)"
    if any(address in network for network in SPECIAL if network.version == address.version):
        return "reserved"
    return "" if address.is_global else "non-public"


@dataclass(frozen=True)
class AllowPattern:
    text: str
    host: str
    port: int | None

    def matches(self, host: str, port: int) -> bool:
        if self.port is not None and self.port != port:
            return False
        mine, theirs = _literal(self.host), _literal(host)
        if mine is not None and theirs is not None:
            return mine == theirs
        wildcard = re.escape(self.host).replace(r"\*", ".*")
        return re.fullmatch(wildcard, host) is not None


def allow_patterns(texts: Iterable[str] | None = None) -> list[AllowPattern]:
    """The operator's STEPSCOPE_AWS_ENDPOINT_ALLOW patterns; a malformed one is an AwsSetupError
    that names it."""
    if texts is None:
        texts = getattr(settings, SETTING, [])
    patterns = []
    for text in texts:
        cleaned = text.strip().lower()
        match = ALLOW_PATTERN.match(cleaned)
        port = int(match.group("port")) if match and match.group("port") else None
        if match is None or (port is not None and not 0 < port < 65536):
            raise AwsSetupError(
                f"{SETTING} has {text!r}, which is not a host[:port] pattern such as "
                "127.0.0.1:5000, localhost:4566, [fd00::1]:4566 or *.internal.example.com. "
                "Ask the operator to correct it."
            )
        host = (match.group("ipv6") or match.group("host")).rstrip(".")
        patterns.append(AllowPattern(text.strip(), host, port))
    return patterns


def operator_allows(host: str, port: int) -> bool:
    return any(pattern.matches(host, port) for pattern in allow_patterns())


def _refused_url(url: str, why: str) -> EndpointRefused:
    return EndpointRefused(f"The endpoint URL {url!r} {why}")


def _host_and_port(url: str, parts: SplitResult) -> tuple[str, int]:
    try:
        port = parts.port
    except ValueError:
        raise _refused_url(url, "has a port that is not a number from 1 to 65535.") from None
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise _refused_url(url, "has no host.")
    return host, port or DEFAULT_PORTS[parts.scheme]


def endpoint_parse(url: str) -> Endpoint:
    """The endpoint a URL typed into the web form names; EndpointRefused unless it is a plain
    http(s) URL: a host, an optional port and path, and nothing else."""
    if UNSAFE_CHARACTERS.search(url):
        raise _refused_url(url, "holds spaces, backslashes or control characters.")
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.netloc:
        raise _refused_url(
            url, "is not an http:// or https:// URL with a host, such as https://localstack:4566."
        )
    if "@" in parts.netloc:
        raise _refused_url(
            url,
            "holds a user name or password (user:password@host): credentials come from boto3's "
            "chain on the server, never from the URL.",
        )
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise _refused_url(
            url,
            "has a query (?...) or a fragment (#...): give only the scheme, host, port and path.",
        )
    if not URL_PATH.match(parts.path):
        raise _refused_url(
            url, "has a path with characters other than letters, digits and . _ ~ -."
        )
    host, port = _host_and_port(url, parts)
    if _literal(host) is None and not HOST_NAME.match(host):
        raise _refused_url(
            url,
            "has a host name with characters other than letters, digits, dots and hyphens "
            "(write an international name in its xn-- form).",
        )
    return Endpoint(url=url, scheme=parts.scheme, host=host, port=port)


def resolve(host: str, port: int) -> list[Address]:
    """Every address the host stands for (a literal one as written, else what DNS answers)."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = {ipaddress.ip_address(str(answer[4][0])) for answer in answers}
    return sorted(addresses, key=lambda address: (address.version, int(address)))


def _refused(sentence: str, at_request: bool) -> EndpointRefused:
    if at_request:
        sentence = f"Refused to send a request: {sentence[0].lower()}{sentence[1:]}"
    return EndpointRefused(sentence)


def address_check(endpoint: Endpoint, *, at_request: bool = False) -> None:
    """EndpointRefused unless the operator allows the endpoint's host or every address it
    resolves to now is public."""
    if operator_allows(endpoint.host, endpoint.port):
        return
    try:
        addresses = resolve(endpoint.host, endpoint.port)
    except (OSError, UnicodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise _refused(
            f"The endpoint host {endpoint.host} has no DNS answer on this server ({reason}). "
            "Check the name: Stepscope looks up where an endpoint leads before it uses it.",
            at_request,
        ) from None
    for address in addresses:
        kind = address_kind(address)
        if kind:
            raise _refused(
                f"The endpoint host {endpoint.host} {_leads_to(endpoint.host, address, kind)}. "
                "Sources saved from the web may not reach loopback, link-local, private, "
                "multicast, reserved or cloud metadata addresses; the operator can allow this "
                "endpoint with "
                f"{SETTING}={endpoint.host_port}.",
                at_request,
            )


def _leads_to(host: str, address: Address, kind: str) -> str:
    """How the host leads to a refused address: "is a loopback address", "stands for
    127.0.0.1, a loopback address", "resolves to 10.0.0.7, a private address"."""
    a_kind = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} address"
    inner = _embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
    shown = f"{address} ({inner})" if inner is not None else str(address)
    literal = _literal(host)
    if literal is None:
        return f"resolves to {shown}, {a_kind}"
    if str(literal) == host and inner is None:
        return f"is {a_kind}"
    return f"stands for {inner or address}, {a_kind}"


def endpoint_check(url: str) -> str:
    """The URL as given when a source saved from the web may use it; EndpointRefused saying why
    otherwise."""
    if url:
        address_check(endpoint_parse(url))
    return url


def request_check(url: str) -> None:
    """Before each request of a source saved from the web: where the request goes (which may be
    a host prefixed to the endpoint's) must still be allowed."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise _refused_url(url, "is not an http:// or https:// URL.")
    host, port = _host_and_port(url, parts)
    address_check(Endpoint(url=url, scheme=parts.scheme, host=host, port=port), at_request=True)


def allowed_description() -> str:
    """What the operator allows, for the form's help text."""
    texts = [pattern.text for pattern in allow_patterns()]
    return ", ".join(texts) if texts else "none"

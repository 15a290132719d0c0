"""A safe URL fetcher: what the bot downloads when someone hands it a link.

The threat is server-side request forgery: a link (or a redirect) that makes the bot read its own
network (Redis, a metadata service, an admin page). So, for every hop, before connecting:
- the scheme is http or https;
- the host is resolved once, and every address it resolves to must be public (not private, loopback,
  link-local, multicast, reserved, unspecified or a cloud metadata address; IPv4-mapped, 6to4 and
  NAT64 IPv6 addresses are judged by the IPv4 address inside), unless the host or host:port is in
  ``FACTCHECK_FETCH_ALLOW_HOSTS``;
- the request goes to the address that was checked (the URL's host is replaced by it; the Host header
  and TLS SNI/certificate check keep the name), so a second DNS answer cannot swap it (rebinding).
Redirects are followed here, one hop at a time, at most ``MAX_REDIRECTS``. Timeouts: connect and read
(``FACTCHECK_FETCH_TIMEOUT``) plus an overall deadline (3x that). The body is streamed and cut off at
``FACTCHECK_MAX_DOWNLOAD_BYTES`` (decoded size: a gzip bomb stops there too). Content types are checked
from the headers, before the body is read.

Client: ``httpx2`` (already pinned: the ``openai`` client's own HTTP stack) gives streaming, separate
connect/read timeouts, ``trust_env=False`` (no proxy from the environment can bypass the address check)
and the ``sni_hostname`` request extension that lets us connect to an IP and still verify the name's
certificate.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import unquote, urljoin

import httpx2

from bot.config import Settings
from bot.text import InputError

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
DEADLINE_FACTOR = 3  # the overall deadline is this many times FACTCHECK_FETCH_TIMEOUT
USER_AGENT = "factcheck/0.1 (fact-check checklist bot)"
REDIRECTS = {301, 302, 303, 307, 308}

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Media types the extractor reads; "application/octet-stream" is let through and judged by name and magic.
ACCEPTED_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "text/markdown",
        "text/x-markdown",
        "application/pdf",
        DOCX_TYPE,
        "application/octet-stream",
        "binary/octet-stream",
    }
)

# Cloud metadata services: AWS/GCP/Azure/OpenStack (169.254.169.254), AWS ECS tasks, AWS IPv6, Alibaba.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
METADATA_HOSTS = frozenset({"metadata", "metadata.google.internal", "metadata.goog", "instance-data"})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[..., list[tuple]]


class FetchError(InputError):
    """A link was not fetched. The message is one line for the person who sent the link."""


@dataclass(frozen=True)
class FetchLimits:
    timeout: float = 10.0  # connect and read, seconds
    max_bytes: int = 10_000_000
    allow_hosts: frozenset[str] = field(default_factory=frozenset)
    max_redirects: int = MAX_REDIRECTS
    verify: ssl.SSLContext | bool = True  # certificate check; an SSLContext trusts another CA (tests)

    @property
    def deadline(self) -> float:
        return self.timeout * DEADLINE_FACTOR

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchLimits:
        return cls(
            timeout=settings.fetch_timeout_seconds,
            max_bytes=settings.max_download_bytes,
            allow_hosts=frozenset(settings.fetch_allow_hosts),
        )


@dataclass(frozen=True)
class Fetched:
    url: str  # as given
    final_url: str  # after redirects
    content_type: str  # media type, lower case, without parameters ("" when the server sent none)
    charset: str | None
    filename: str | None  # from Content-Disposition, else the last segment of the final URL's path
    body: bytes


def refusal_reason(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why the bot will not connect to this address, or None if it is a public one."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return refusal_reason(embedded)
    checks = (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    )
    for attribute, reason in checks:
        if getattr(address, attribute):
            return reason
    if not address.is_global:
        return "not a public address"
    return None


def _allowed(host: str, port: int, allow_hosts: Iterable[str]) -> bool:
    allow = set(allow_hosts)
    shown = f"[{host}]" if ":" in host else host
    return host in allow or shown in allow or f"{shown}:{port}" in allow


def _addresses(host: str, port: int, resolver: Resolver) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = resolver(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"Cannot find the host {host} (the name does not resolve).") from None
    addresses = []
    for info in infos:
        raw = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 scope id
        address = ipaddress.ip_address(raw)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"Cannot find the host {host} (no address).")
    return addresses


def checked_addresses(
    url: httpx2.URL, limits: FetchLimits, resolver: Resolver = socket.getaddrinfo
) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses the bot may connect to for ``url``, or a ``FetchError`` saying why none."""
    if url.scheme not in ("http", "https"):
        raise FetchError(f"Only http and https links can be fetched, not {url.scheme}: links.")
    if url.userinfo:
        raise FetchError("Links with a user name or password in them are not fetched.")
    host = url.raw_host.decode("ascii").lower().rstrip(".")
    if not host:
        raise FetchError("The link has no host name.")
    port = url.port or (443 if url.scheme == "https" else 80)
    allowed = _allowed(host, port, limits.allow_hosts)
    if host in METADATA_HOSTS and not allowed:
        raise FetchError(f"Refused {host}: it is a cloud metadata host.")
    addresses = _addresses(host, port, resolver)
    if not allowed:
        for address in addresses:
            reason = refusal_reason(address)
            if reason:
                shown = host if host == str(address) else f"{host} ({address})"
                raise FetchError(
                    f"Refused {shown}: it is {reason}, not a public web server "
                    "(a host can be allowed with FACTCHECK_FETCH_ALLOW_HOSTS)."
                )
    return addresses


def _media_type(header: str) -> tuple[str, str | None]:
    message = Message()
    message["content-type"] = header
    media = message.get_content_type() if header else ""
    charset = message.get_param("charset") if header else None
    return media.lower(), (str(charset).strip().lower() if isinstance(charset, str) else None)


_FILENAME = re.compile(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)\"?", re.IGNORECASE)


def _filename(response: httpx2.Response, url: httpx2.URL) -> str | None:
    match = _FILENAME.search(response.headers.get("content-disposition", ""))
    if match:
        return unquote(match.group(1)).strip().rsplit("/", 1)[-1] or None
    last = unquote(url.path).rstrip("/").rsplit("/", 1)[-1]
    return last or None


class _Deadline:
    def __init__(self, url: str, seconds: float) -> None:
        self.url, self.seconds, self.end = url, seconds, time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise FetchError(
                f"Fetching the link took longer than {self.seconds:g} seconds "
                f"({DEADLINE_FACTOR} x FACTCHECK_FETCH_TIMEOUT); giving up."
            )
        return left


def _host_header(url: httpx2.URL) -> str:
    return url.netloc.decode("ascii")


def _open(
    client: httpx2.Client,
    url: httpx2.URL,
    headers: Mapping[str, str],
    limits: FetchLimits,
    deadline: _Deadline,
    resolver: Resolver,
) -> httpx2.Response:
    """One hop: check the addresses, then connect to the first one that answers. Streams the response."""
    addresses = checked_addresses(url, limits, resolver)
    host = url.raw_host.decode("ascii")
    last_error: Exception | None = None
    for address in addresses:
        left = deadline.left()
        timeout = httpx2.Timeout(min(limits.timeout, left))
        extensions: dict[str, object] = {"timeout": timeout.as_dict()}
        if url.scheme == "https" and host != str(address):
            extensions["sni_hostname"] = host  # TLS: SNI and certificate checked against the name
        request = client.build_request(
            "GET",
            url.copy_with(host=str(address)),
            headers={**headers, "Host": _host_header(url)},
            extensions=extensions,
        )
        try:
            return client.send(request, stream=True)
        except httpx2.ConnectTimeout:
            last_error = FetchError(
                f"Timed out connecting to {host} after {limits.timeout:g} seconds (FACTCHECK_FETCH_TIMEOUT)."
            )
        except httpx2.ConnectError as exc:
            last_error = FetchError(f"Could not connect to {host}: {_short(exc)}.")
        except httpx2.TimeoutException:
            raise FetchError(
                f"{host} did not answer within {limits.timeout:g} seconds (FACTCHECK_FETCH_TIMEOUT)."
            ) from None
        except httpx2.HTTPError as exc:
            raise FetchError(f"Fetching from {host} failed: {_short(exc)}.") from None
    assert last_error is not None
    raise last_error


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:159] + "…"


def fetch(
    url: str,
    limits: FetchLimits,
    *,
    headers: Mapping[str, str] | None = None,
    resolver: Resolver = socket.getaddrinfo,
) -> Fetched:
    """GET ``url`` safely (see the module doc). ``headers`` (e.g. Authorization for a Slack file) are
    sent only to the link's own origin: a redirect to another origin drops them."""
    try:
        current = httpx2.URL(url.strip())
    except (httpx2.InvalidURL, TypeError, ValueError):
        raise FetchError("That is not a valid link.") from None
    origin = (current.scheme, current.raw_host, current.port)
    base_headers = {"User-Agent": USER_AGENT, "Accept": "text/html, application/xhtml+xml, text/plain, */*;q=0.5"}
    deadline = _Deadline(url, limits.deadline)
    # No keep-alive: every hop gets its own connection, made to the address checked for that hop's name.
    no_reuse = httpx2.Limits(max_keepalive_connections=0)
    with httpx2.Client(trust_env=False, follow_redirects=False, verify=limits.verify, limits=no_reuse) as client:
        for hop in range(limits.max_redirects + 1):
            same_origin = (current.scheme, current.raw_host, current.port) == origin
            sent = {**base_headers, **(headers or {})} if same_origin else base_headers
            response = _open(client, current, sent, limits, deadline, resolver)
            try:
                if response.status_code in REDIRECTS and "location" in response.headers:
                    if hop == limits.max_redirects:
                        raise FetchError(f"The link redirected more than {limits.max_redirects} times; giving up.")
                    target = urljoin(str(current), response.headers["location"])
                    try:
                        current = httpx2.URL(target)
                    except (httpx2.InvalidURL, ValueError):
                        raise FetchError("The link redirected to an address that is not a valid link.") from None
                    log.debug("fetch: redirect %s", response.status_code)
                    continue
                return _read(response, url, current, limits, deadline)
            finally:
                response.close()
    raise AssertionError("unreachable")


def _read(response: httpx2.Response, url: str, final: httpx2.URL, limits: FetchLimits, deadline: _Deadline) -> Fetched:
    host = final.host
    if response.status_code >= 400:
        raise FetchError(f"{host} answered HTTP {response.status_code} {response.reason_phrase}".rstrip() + ".")
    if response.status_code != 200:
        raise FetchError(f"{host} answered HTTP {response.status_code}, not a page.")
    media, charset = _media_type(response.headers.get("content-type", ""))
    if media and media not in ACCEPTED_TYPES:
        raise FetchError(
            f"The link points to {media}, not an article the bot can read (HTML, text, PDF or Word .docx)."
        )
    too_big = f"The download is larger than the limit of {limits.max_bytes:,} bytes (FACTCHECK_MAX_DOWNLOAD_BYTES)."
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes and not response.headers.get("content-encoding"):
        raise FetchError(too_big)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limits.max_bytes:
                raise FetchError(too_big)
            chunks.append(chunk)
            deadline.left()
    except httpx2.TimeoutException:
        raise FetchError(
            f"{host} stopped sending for more than {limits.timeout:g} seconds (FACTCHECK_FETCH_TIMEOUT)."
        ) from None
    except httpx2.HTTPError as exc:
        raise FetchError(f"Reading from {host} failed: {_short(exc)}.") from None
    return Fetched(
        url=url,
        final_url=str(final),
        content_type=media,
        charset=charset,
        filename=_filename(response, final),
        body=b"".join(chunks),
    )

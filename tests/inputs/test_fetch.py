"""The safe fetcher against a real local web server, and the addresses it refuses before connecting."""

from __future__ import annotations

import ipaddress
import shutil
import socket
import ssl
import subprocess

import pytest

from bot.inputs.fetch import FetchError, FetchLimits, fetch, refusal_reason
from standins.web_pages import ARTICLE_TITLE, WebPages


def limits(web: WebPages | None = None, **overrides: object) -> FetchLimits:
    allow = frozenset({web.allow_hosts}) if web else frozenset()
    return FetchLimits(**{"timeout": 5.0, "max_bytes": 2_000_000, "allow_hosts": allow, **overrides})


def resolves_to(*addresses: str):
    def resolver(host: str, port: int, **kwargs: object) -> list[tuple]:
        family = socket.AF_INET6 if ":" in addresses[0] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return resolver


def test_article_page_is_fetched(web):
    fetched = fetch(web.url("/article"), limits(web))
    assert fetched.content_type == "text/html" and fetched.charset == "utf-8"
    assert ARTICLE_TITLE.encode() in fetched.body
    assert fetched.final_url == web.url("/article")
    _path, headers = web.requests[-1]
    assert headers["host"] == web.allow_hosts and headers["user-agent"].startswith("factcheck/")


def test_relative_redirect_on_an_allowed_host_is_followed(web):
    fetched = fetch(web.url("/redirect-to-article"), limits(web))
    assert fetched.final_url == web.url("/article")
    assert [path for path, _ in web.requests] == ["/redirect-to-article", "/article"]


def test_redirect_to_loopback_that_is_not_allowed_is_refused(web):
    with pytest.raises(FetchError, match=r"Refused localhost \(.*\): it is a loopback address") as caught:
        fetch(web.url("/redirect-loopback"), limits(web))
    assert "FACTCHECK_FETCH_ALLOW_HOSTS" in str(caught.value) and "\n" not in str(caught.value)
    assert [path for path, _ in web.requests] == ["/redirect-loopback"]  # the target was never asked


def test_redirect_to_another_scheme_is_refused(web):
    with pytest.raises(FetchError, match="Only http and https links"):
        fetch(web.url("/redirect-to?url=file:///etc/passwd"), limits(web))


def test_redirects_are_capped(web):
    with pytest.raises(FetchError, match="redirected more than 5 times"):
        fetch(web.url("/redirect-loop/0"), limits(web))
    assert len(web.requests) == 6


def test_huge_page_is_cut_off_while_streaming(web):
    with pytest.raises(FetchError, match=r"larger than the limit of 100,000 bytes \(FACTCHECK_MAX_DOWNLOAD_BYTES\)"):
        fetch(web.url("/huge"), limits(web, max_bytes=100_000))


def test_declared_length_over_the_cap_is_refused_before_reading(web):
    with pytest.raises(FetchError, match="larger than the limit"):
        fetch(web.url("/huge-declared"), limits(web))


def test_slow_page_times_out(web):
    with pytest.raises(FetchError, match=r"stopped sending for more than 0.5 seconds \(FACTCHECK_FETCH_TIMEOUT\)"):
        fetch(web.url("/slow"), limits(web, timeout=0.5))


def test_dripping_page_hits_the_overall_deadline(web):
    with pytest.raises(FetchError, match=r"took longer than 1.5 seconds"):
        fetch(web.url("/drip"), limits(web, timeout=0.5))


def test_non_article_content_type_is_refused(web):
    with pytest.raises(FetchError, match="points to image/png, not an article"):
        fetch(web.url("/image.png"), limits(web))


def test_http_errors_are_one_line(web):
    with pytest.raises(FetchError, match=r"answered HTTP 404 Not Found\.$"):
        fetch(web.url("/missing"), limits(web))


def test_headers_go_to_the_links_origin_only():
    with WebPages() as files, WebPages() as elsewhere:
        target = elsewhere.add("/draft.txt", b"The draft, officials said.", "text/plain")
        allow = frozenset({files.allow_hosts, elsewhere.allow_hosts})
        fetched = fetch(
            files.url(f"/redirect-to?url={target}"),
            limits(allow_hosts=allow),
            headers={"Authorization": "Bearer xoxb-secret"},
        )
        assert fetched.body == b"The draft, officials said."
        assert files.requests[0][1]["authorization"] == "Bearer xoxb-secret"
        assert "authorization" not in elsewhere.requests[0][1]


def test_allow_list_is_per_host_and_port(web):
    with pytest.raises(FetchError, match="loopback"):
        fetch(web.url("/article"), limits(allow_hosts=frozenset({f"127.0.0.1:{web.port + 1}"})))
    assert fetch(web.url("/article"), limits(allow_hosts=frozenset({"127.0.0.1"}))).body


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "a loopback address"),
        ("http://2130706433/", "a loopback address"),  # 127.0.0.1 written as one number
        ("http://[::1]:8080/", "a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "a loopback address"),  # IPv4-mapped IPv6
        ("http://10.1.2.3/", "a private address"),
        ("http://172.16.0.1/", "a private address"),
        ("http://192.168.1.1/admin", "a private address"),
        ("http://[fd12:3456::1]/", "a private address"),
        ("http://169.254.10.10/", "a link-local address"),
        ("http://[fe80::1]/", "a link-local address"),
        ("http://169.254.169.254/latest/meta-data/", "a cloud metadata address"),
        ("http://[::ffff:169.254.169.254]/", "a cloud metadata address"),
        ("http://[fd00:ec2::254]/", "a cloud metadata address"),
        ("http://[64:ff9b::a9fe:a9fe]/", "a cloud metadata address"),  # NAT64 of 169.254.169.254
        ("http://224.0.0.1/", "a multicast address"),
        ("http://[ff02::1]/", "a multicast address"),
        ("http://0.0.0.0/", "an unspecified address"),
        ("http://240.0.0.1/", "a reserved address"),
        ("http://100.64.0.1/", "not a public address"),  # carrier-grade NAT
    ],
)
def test_non_public_addresses_are_refused_before_connecting(url, reason):
    with pytest.raises(FetchError, match=f"it is {reason}, not a public web server"):
        fetch(url, limits())


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.7", "a private address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("::ffff:10.0.0.7", "a private address"),
        ("fe80::1%eth0", "a link-local address"),
    ],
)
def test_names_that_resolve_to_internal_addresses_are_refused(address, reason):
    with pytest.raises(FetchError, match=rf"Refused news\.example \(.*\): it is {reason}"):
        fetch("https://news.example/story", limits(), resolver=resolves_to(address))


def test_one_internal_address_among_public_ones_is_enough_to_refuse():
    with pytest.raises(FetchError, match="a private address"):
        fetch("http://news.example/", limits(), resolver=resolves_to("93.184.216.34", "10.0.0.1"))


def test_metadata_host_names_are_refused_without_resolving():
    with pytest.raises(FetchError, match="cloud metadata host"):
        fetch("http://metadata.google.internal/computeMetadata/v1/", limits())


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "Only http and https links can be fetched, not file: links."),
        ("ftp://example.org/a.txt", "Only http and https links can be fetched, not ftp: links."),
        ("gopher://example.org/", "Only http and https links"),
        ("javascript:alert(1)", "Only http and https links"),
        ("http://user:pw@example.org/", "user name or password"),
        ("http:///nohost", "no host"),
    ],
)
def test_other_schemes_and_odd_links_are_refused(url, message):
    with pytest.raises(FetchError, match=message.replace(".", r"\.").replace("(", r"\(")):
        fetch(url, limits())


def test_public_addresses_pass():
    assert refusal_reason(ipaddress.ip_address("93.184.216.34")) is None
    assert refusal_reason(ipaddress.ip_address("2606:2800:220:1:248:1893:25c8:1946")) is None


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for news.test, made with the openssl command line tool."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
         "-subj", "/CN=news.test", "-addext", "subjectAltName=DNS:news.test"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def test_https_connects_to_the_checked_address_and_verifies_the_name(certificate):
    """The request goes to the resolved IP, yet SNI and the certificate check use the host name."""
    trust = ssl.create_default_context(cafile=certificate[0])
    with WebPages(tls=certificate) as web:
        settings = limits(allow_hosts=frozenset({f"news.test:{web.port}", f"other.test:{web.port}"}), verify=trust)
        fetched = fetch(web.url("/article", host="news.test"), settings, resolver=resolves_to("127.0.0.1"))
        assert ARTICLE_TITLE.encode() in fetched.body
        assert web.requests[-1][1]["host"] == f"news.test:{web.port}"
        with pytest.raises(FetchError, match=r"Could not connect to other\.test: .*certificate"):
            fetch(web.url("/article", host="other.test"), settings, resolver=resolves_to("127.0.0.1"))

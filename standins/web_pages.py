"""A local web server standing in for the open web: news pages, documents and hostile answers.

Real HTTP on 127.0.0.1, for the real fetcher (bot.inputs.fetch) and the CLI as a subprocess:

    with WebPages() as web:
        web.url("/article")      # an article page with navigation, ads and comments around the story
        web.allow_hosts          # "127.0.0.1:PORT": the value for FACTCHECK_FETCH_ALLOW_HOSTS
        web.add("/report.pdf", pdf_bytes, "application/pdf")
        web.requests             # (path, lower-cased headers) of every request, in order

Fixed routes: ``/article``; ``/redirect-loopback`` (302 to ``localhost`` on this port: loopback, and not
the allow-listed ``127.0.0.1:PORT``); ``/redirect-to-article`` (302, relative); ``/redirect-loop/N``
(endless); ``/redirect-to?url=...`` (302 anywhere); ``/huge`` (1 MB of HTML, streamed without a length);
``/huge-declared`` (announces 50 MB, sends nothing); ``/slow`` (headers, then silence for
``slow_seconds``); ``/drip`` (one byte every 0.1 s, up to ``slow_seconds``); ``/image.png``;
``/missing`` (404). Sleeping handlers wake up when the server stops.
"""

from __future__ import annotations

import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ARTICLE_TITLE = "Harbour authority admits dredging overran by €40m"
ARTICLE_PARAGRAPHS = (
    "The Velmora harbour authority spent about €40 million more than planned on dredging the "
    "northern channel, according to internal documents seen by the Courier.",
    "Chief executive Mara Lind said on Tuesday that the overrun was caused by unexpected bedrock "
    "and would not affect port fees.",
    "Two engineers who worked on the project, speaking on condition of anonymity, said warnings about "
    "the seabed survey were ignored as early as 2023.",
    "The channel will allow ships of up to 18,000 containers to dock, making Velmora the largest "
    "port in the region, officials claim.",
)
# Text that surrounds the story on the page and must never reach the checklist.
BOILERPLATE = (
    "Subscribe to the Courier",
    "Sign in",
    "Cheap flights to Lisbon from €19",
    "Great piece, the harbour board should resign!",
    "Most read this week",
    "© 2026 Velmora Courier",
)

ARTICLE_HTML = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{ARTICLE_TITLE} | Velmora Courier</title>
<meta property="og:title" content="{ARTICLE_TITLE}">
<meta name="author" content="Jo Pereira">
</head>
<body>
<header>
  <nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
  <li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe to the Courier</a></li>
  <li><a href="/login">Sign in</a></li></ul></nav>
</header>
<div class="ad-banner advertisement" id="ad-top">
  <a href="https://ads.example/flights">Cheap flights to Lisbon from €19</a></div>
<main>
<article class="story">
  <h1>{ARTICLE_TITLE}</h1>
  <p class="byline">By Jo Pereira · 3 December 2026</p>
  {"".join(f"<p>{p}</p>" for p in ARTICLE_PARAGRAPHS)}
</article>
<aside class="sidebar"><h2>Most read this week</h2><ul><li><a href="/a">Ferry timetable changes</a></li>
<li><a href="/b">Council votes on parking</a></li></ul></aside>
<section id="comments" class="comments">
  <h2>Comments</h2>
  <div class="comment"><p class="comment-author">harbourwatcher</p>
  <p>Great piece, the harbour board should resign!</p></div>
</section>
</main>
<footer><p>© 2026 Velmora Courier</p></footer>
</body>
</html>
"""


class WebPages:
    def __init__(self, slow_seconds: float = 5.0, tls: tuple[str, str] | None = None) -> None:
        """``tls=(certfile, keyfile)`` serves https instead of http."""
        self.slow_seconds = slow_seconds
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._pages: dict[str, tuple[bytes, str, dict[str, str]]] = {}
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self.port = self._server.server_address[1]
        self.allow_hosts = f"127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def add(self, path: str, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> str:
        self._pages[path] = (body, content_type, headers or {})
        return self.url(path)

    def __enter__(self) -> WebPages:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                web.requests.append((parts.path, {k.lower(): v for k, v in self.headers.items()}))
                route = parts.path
                if route in web._pages:
                    body, content_type, headers = web._pages[route]
                    return self._send(200, body, content_type, headers)
                if route == "/article":
                    return self._send(200, ARTICLE_HTML.encode(), "text/html; charset=utf-8")
                if route == "/redirect-loopback":
                    return self._redirect(f"http://localhost:{web.port}/article")
                if route == "/redirect-to-article":
                    return self._redirect("/article")
                if route.startswith("/redirect-loop/"):
                    return self._redirect(f"/redirect-loop/{int(route.rsplit('/', 1)[1]) + 1}")
                if route == "/redirect-to":
                    return self._redirect(parse_qs(parts.query)["url"][0])
                if route == "/huge":
                    return self._huge()
                if route == "/huge-declared":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(50_000_000))
                    self.end_headers()
                    return None
                if route in ("/slow", "/drip"):
                    return self._slow(drip=route == "/drip")
                if route == "/image.png":
                    return self._send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
                return self._send(404, b"<h1>Not found</h1>", "text/html")

            def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def _redirect(self, location: str) -> None:
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _huge(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")  # no length: the client must count while it reads
                self.end_headers()
                chunk = b"<p>" + b"filler text " * 85 + b"</p>\n"  # about 1 KB
                try:
                    for _ in range(1024):
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading at its cap, as it should
                self.close_connection = True

            def _slow(self, drip: bool) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.flush()
                try:
                    if drip:
                        for _ in range(int(web.slow_seconds / 0.1)):
                            if web._stop.wait(0.1):
                                break
                            self.wfile.write(b" ")
                            self.wfile.flush()
                    else:
                        web._stop.wait(web.slow_seconds)
                    self.wfile.write(b"<p>too late</p>")
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

        return Handler

"""A real HTTP server on 127.0.0.1 for the fetcher and crawl tests: fixture pages, feeds and
sitemaps, plus slow, failing and hostile endpoints. Runs in a thread of the test process."""

from __future__ import annotations

import gzip
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

Route = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LocalServer

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0]
        self.server.log(self.path, self.headers)
        route = self.server.routes.get(self.path) or self.server.routes.get(path)
        if route is None:
            self.send(404, b"not found", "text/plain")
        else:
            route(self)

    def send(self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class LocalServer(ThreadingHTTPServer):
    """`routes` maps a path (with or without query) to a handler function; `hits` counts
    requests per path and `times` keeps when each arrived (monotonic seconds)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__((host, 0), Handler)
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = defaultdict(int)
        self.times: list[tuple[float, str]] = []
        self.request_headers: dict[str, list] = defaultdict(list)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def handle_error(self, request, client_address) -> None:
        """Clients that hang up on purpose (caps, timeouts) are expected; others are not."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    @property
    def base(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}"

    def log(self, path: str, headers) -> None:
        with self._lock:
            self.hits[path] += 1
            self.times.append((time.monotonic(), path))
            self.request_headers[path].append(dict(headers))

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    # --- helpers to declare routes ---

    def page(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = lambda h: h.send(200, data, content_type, headers)

    def validated_page(self, path: str, body: str, etag: str = '"v1"',
                       modified: str = "Mon, 20 Nov 2023 10:00:00 GMT") -> None:
        """A page that answers 304 to a matching If-None-Match or If-Modified-Since."""
        data = body.encode("utf-8")

        def route(h: Handler) -> None:
            # RFC 9110: If-None-Match, when sent, decides; If-Modified-Since only without it.
            match = h.headers.get("If-None-Match")
            if match == etag or match is None and h.headers.get("If-Modified-Since") == modified:
                h.send_response(304)
                h.send_header("ETag", etag)
                h.send_header("Content-Length", "0")
                h.end_headers()
            else:
                h.send(200, data, headers={"ETag": etag, "Last-Modified": modified})
        self.routes[path] = route

    def sequence(self, path: str, *routes: Route) -> None:
        """Answer the n-th request with the n-th route (the last one repeats)."""
        def route(h: Handler) -> None:
            n = self.hits[h.path] - 1
            routes[min(n, len(routes) - 1)](h)
        self.routes[path] = route


def status(code: int, headers: dict[str, str] | None = None) -> Route:
    return lambda h: h.send(code, f"status {code}".encode(), "text/plain", headers)


def redirect(to: str, code: int = 302) -> Route:
    return lambda h: h.send(code, b"", "text/plain", {"Location": to})


def reset(h: Handler) -> None:
    """Close the connection with a TCP reset before any response."""
    import socket
    import struct

    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()
    h.close_connection = True


def slow_body(pause: float, chunks: int = 5) -> Route:
    def route(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(chunks * 10))
        h.end_headers()
        for _ in range(chunks):
            h.wfile.write(b"<p>slow</p>"[:10])
            h.wfile.flush()
            time.sleep(pause)
    return route


def endless(total: int, chunk: int = 64 * 1024) -> Route:
    """`total` bytes of HTML, with no Content-Length (the cap must stop the reading)."""
    def route(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        block = b"<p>" + b"x" * (chunk - 7) + b"</p>"
        sent = 0
        try:
            while sent < total:
                h.wfile.write(block)
                sent += len(block)
        except (BrokenPipeError, ConnectionResetError):
            pass
        h.close_connection = True
    return route


def gzip_bomb(size: int) -> Route:
    payload = gzip.compress(b"\0" * size, compresslevel=9)

    def route(h: Handler) -> None:
        h.send(200, payload, headers={"Content-Encoding": "gzip"})
    return route


def fixture_html(name: str) -> str:
    return (Path(__file__).parent / "fixtures" / "html" / name).read_text(encoding="utf-8")


def article_html(title: str, paragraphs: list[str], *, canonical: str | None = None,
                 pager: str = "", published: str = "2024-06-25T11:14:00+07:00") -> str:
    """A news page with real-looking chrome around the article."""
    import html as _html

    body = "\n".join(f"<p>{_html.escape(p)}</p>" for p in paragraphs)
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>{_html.escape(title)} - Kabar Lokal</title>{link}
<meta property="article:published_time" content="{published}"></head><body>
<nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a> <a href="/dunia">Dunia</a></nav>
<article><h1>{_html.escape(title)}</h1><div class="loading">loading...</div>
{body}
{pager}</article>
<aside><h3>Berita Terkait</h3><ul><li><a href="/x/1">Berita lain satu</a></li>
<li><a href="/x/2">Berita lain dua</a></li><li><a href="/x/3">Berita lain tiga</a></li></ul></aside>
<footer>Copyright &copy; 2024 Kabar Lokal. All rights reserved.</footer></body></html>"""


def story(seed: int, paragraphs: int = 5) -> tuple[str, list[str]]:
    """A distinct made-up story: a title and paragraphs of Indonesian words from the seeds."""
    import random

    vocab = sorted({w.strip('.,"“”()') for p in (Path(__file__).parent.parent / "seeds").glob("*.txt")
                    for w in p.read_text(encoding="utf-8").split() if w.isalpha()})
    rng = random.Random(seed)
    title = " ".join(rng.choices(vocab, k=7)).capitalize()
    paras = [(" ".join(rng.choices(vocab, k=45)) + ".").capitalize() for _ in range(paragraphs)]
    return title, paras


#: Crawl flags for tests: the local server is private, and no politeness delay.
FAST = ("--allow-private", "--delay", "0")


def add_story(server: LocalServer, path: str, seed: int, **kwargs) -> list[str]:
    """Serve story `seed` at `path` (with an ETag); returns its paragraphs."""
    title, paras = story(seed)
    server.validated_page(path, article_html(title, paras, **kwargs), etag=f'"{seed}"')
    return paras


def rss(*urls: str, dates: tuple[str, ...] = ()) -> str:
    """An RSS feed linking `urls`, the first ones with the given pubDates."""
    items = "".join(f"<item><title>t</title><link>{u}</link>"
                    f"{f'<pubDate>{dates[i]}</pubDate>' if i < len(dates) else ''}</item>"
                    for i, u in enumerate(urls))
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>'
            f"{items}</channel></rss>")

"""`scraper demo`: the bundled demo site served on 127.0.0.1, for the real crawler."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from scraper.errors import InputError

#: The site built by seeds/demo/build.py, shipped inside the package (package data), so
#: `scraper demo` works installed as well as from a checkout.
DEFAULT_SITE = Path(__file__).resolve().parent / "demo_site"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def translate_path(self, path: str) -> str:
        # robots.txt is stored as robots.rules: a .txt file under seeds/ would be taken
        # for a text dump by `scraper clean seeds/`.
        if path.split("?")[0] == "/robots.txt":
            path = "/robots.rules"
        return super().translate_path(path)

    def guess_type(self, path) -> str:
        return "text/plain" if str(path).endswith(".rules") else super().guess_type(path)


@contextmanager
def serve(site: Path = DEFAULT_SITE) -> Iterator[str]:
    """Serve `site` on 127.0.0.1 (a free port) for the life of the block; yields its URL."""
    if not (site / "feed.xml").is_file():
        raise InputError(f"{site}: no demo site here (build it with python seeds/demo/build.py)")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()

"""Raw responses kept as WARC (warcio): what the server sent, for re-extraction later."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.errors import OutputError

if TYPE_CHECKING:
    import httpx

    from scraper.fetch.result import FetchResult


class WarcLog:
    """Appends one gzipped `response` record per page received (2xx with a body).

    The payload is the body as it came over the wire (still gzip-encoded when the server
    sent it so), with the original headers, as WARC readers expect.
    """

    def __init__(self, path: Path) -> None:
        try:
            self._fh: BinaryIO = path.open("ab")
        except OSError as exc:
            raise OutputError(f"{path}: cannot write the WARC file: {exc.strerror or exc}") from exc
        self._writer = WARCWriter(self._fh, gzip=True)
        self.records = 0

    def write(self, result: FetchResult, resp: httpx.Response, raw: bytes) -> None:
        headers = StatusAndHeaders(f"{resp.status_code} {resp.reason_phrase}",
                                   list(resp.headers.multi_items()), protocol="HTTP/1.1")
        record = self._writer.create_warc_record(result.final_url, "response",
                                                 payload=io.BytesIO(raw), length=len(raw),
                                                 http_headers=headers)
        try:
            self._writer.write_record(record)
            self._fh.flush()
        except OSError as exc:
            raise OutputError(f"{self._fh.name}: cannot write the WARC file: "
                              f"{exc.strerror or exc}") from exc
        self.records += 1

    def close(self) -> None:
        self._fh.close()

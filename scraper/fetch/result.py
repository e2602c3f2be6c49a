"""What one fetch did: the fetcher never raises for HTTP-level trouble, it says so here."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scraper.content_type import charset_of, media_type


@dataclass(slots=True)
class FetchResult:
    """The outcome of fetching one URL (after redirects and retries).

    `status` is the last HTTP status (None when no response came). `error` is None on
    success; otherwise what happened, for people, and `reason` its category, for counting
    ("HTTP 503", "read timeout", "too large"). `skipped` separates refusals by policy
    (robots.txt, private address, not HTML, too large) from failures (timeouts, 5xx,
    resets).
    """

    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    reason: str | None = None
    skipped: bool = False
    attempts: int = 0
    elapsed: float = 0.0
    #: Bytes handed to the consumer of a streamed fetch (`Fetcher.fetch(into=...)`).
    streamed: int = 0

    def fail(self, reason: str, message: str | None = None, *, skipped: bool = False) -> None:
        """Record a failure (or, `skipped`, a refusal) of category `reason`."""
        self.reason, self.error, self.skipped = reason, message or reason, skipped

    @property
    def ok(self) -> bool:
        """A body arrived (status 200-299, no error)."""
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        """The server answered a conditional GET with 304: nothing new."""
        return self.error is None and self.status == 304

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ("" when absent)."""
        return media_type(self.headers.get("content-type", ""))

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if any."""
        return charset_of(self.headers.get("content-type", ""))

    @property
    def host(self) -> str:
        """The host the response came from (after redirects), lower case."""
        return (urlsplit(self.final_url).hostname or "").lower()


"""The HTTP client: httpx (async), with every rule a polite, safe crawler needs.

One `Fetcher.fetch(url)` follows redirects itself (each hop checked for scheme, address and
robots.txt, loops caught), waits its turn at the host's gate, retries connection errors,
429 and 5xx with exponential backoff and jitter (Retry-After honoured), streams the body
under a wire-size and a decompressed-size cap (decompressing itself, so a gzip bomb stops
at the cap), and sends If-None-Match / If-Modified-Since when it has validators.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import socket
import time
import zlib
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from scraper import __version__
from scraper.fetch.politeness import HostGate
from scraper.fetch.result import FetchResult
from scraper.fetch.safety import PeerRefused, PublicOnlyBackend, private_address, unsafe_scheme
from scraper.fetch.warc import WarcLog
from scraper.settings import FetchSettings

PAGE_TYPES = ("text/html", "application/xhtml+xml")
SOURCE_TYPES = PAGE_TYPES + (
    "application/xml", "text/xml", "application/rss+xml", "application/atom+xml",
    "application/rdf+xml", "application/x-gzip", "application/gzip", "application/octet-stream",
    "text/plain")
_RETRY_STATUS = {429, 500, 502, 503, 504}
#: Connection pools kept open at once; the least recently used idle one is closed beyond.
MAX_POOLS = 256
_ROBOTS_MAX = 512 * 1024


class _Refused(Exception):
    """A response the fetcher will not read (a policy, not a failure)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class Fetcher:
    """Async context manager holding one HTTP client and the politeness state of a run."""

    def __init__(self, settings: FetchSettings, *, warc: WarcLog | None = None,
                 gate: HostGate | None = None, robots: RobotsCache | None = None) -> None:
        """`gate` and `robots`: politeness shared with other workers (a shared state's);
        by default this fetcher's own."""
        self.settings = settings
        self.gate = gate or HostGate(settings.delay, settings.per_host)
        self.robots = robots
        self.warc = warc
        # origin -> its rules, True (no rules), or why robots.txt could not be read
        self._robots: dict[str, Protego | bool | str] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._clients: dict[str, httpx.AsyncClient] = {}  # in least recently used order
        self._busy: dict[str, int] = {}  # requests in flight per origin
        self._closing: set[asyncio.Task] = set()
        # One TLS context for all clients: loading the CA bundle costs ~30 ms each time.
        self._tls = httpx.create_ssl_context()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()
        await asyncio.gather(*self._closing)

    def _client_for(self, url: str) -> httpx.AsyncClient:
        """One client (connection pool) per origin. httpcore checks every idle connection
        of a pool before each request (a poll and a getpeername syscall each): with one
        shared pool that was 87 syscalls per request and half the crawl's time (cProfile);
        per origin it is at most `per_host`."""
        origin = _origin(url)
        client = self._clients.pop(origin, None)
        if client is None:
            self._close_idle_pools()
            client = self._new_client(urlsplit(url).hostname or "")
        self._clients[origin] = client  # most recently used last
        return client

    def _new_client(self, host: str) -> httpx.AsyncClient:
        """A client for one origin, with its site's user agent, headers and proxy."""
        s = self.settings
        site = s.site(host)
        proxy = site.proxy if site.proxy is not None else s.proxy
        transport = httpx.AsyncHTTPTransport(
            verify=self._tls, proxy=proxy or None,
            limits=httpx.Limits(max_connections=s.per_host + 1,
                                max_keepalive_connections=s.per_host + 1))
        # Check the address connected to, not only the name; through a proxy that is the
        # proxy (the user's own choice), so the name check in `_hop` is what applies.
        if not s.allow_private and not proxy:
            transport._pool._network_backend = PublicOnlyBackend()  # noqa: SLF001
        return httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            trust_env=False,  # no proxies or netrc from the environment behind our back
            timeout=httpx.Timeout(connect=s.connect_timeout, read=s.read_timeout,
                                  write=s.read_timeout, pool=None),
            headers={"User-Agent": self._user_agent(host),
                     "Accept-Encoding": "gzip, deflate",
                     "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,"
                               "*/*;q=0.8", **site.headers})

    def _user_agent(self, host: str) -> str:
        """The User-Agent sent to `host`: its site's, else the run's."""
        agent = self.settings.site(host).user_agent or self.settings.user_agent
        return agent.format(version=__version__)

    def _close_idle_pools(self) -> None:
        """Keep at most MAX_POOLS pools: a crawl over thousands of hosts would otherwise
        keep a pool (and its sockets) open for each until the end."""
        for origin in list(self._clients):
            if len(self._clients) < MAX_POOLS:
                break
            if not self._busy.get(origin):
                task = asyncio.get_running_loop().create_task(self._clients.pop(origin).aclose())
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                    accept: tuple[str, ...] = PAGE_TYPES, check_robots: bool = True,
                    into: Callable[[bytes], Awaitable[None]] | None = None) -> FetchResult:
        """Fetch `url`. Never raises for network or HTTP trouble: the result says.

        `into`: stream the body (after Content-Encoding) to this coroutine chunk by chunk
        instead of keeping it: any type and size is taken, the total timeout does not
        apply (the read timeout between bytes does), and a request that broke after the
        first chunk is not retried (the consumer has part of it: `result.streamed` says
        how much). An exception raised by `into` ends the request and propagates."""
        start = time.monotonic()
        result = FetchResult(url, url)
        seen = {url}
        current = url
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        for _hop in range(self.settings.max_redirects + 1):
            result = await self._hop(url, current, conditional if current == url else {}, accept,
                                     check_robots, into)
            location = result.headers.get("location")
            if result.error is None and result.status in (301, 302, 303, 307, 308) and location:
                target = urljoin(current, location.strip())
                if target in seen:
                    result.fail("redirect loop", f"redirect loop at {target}")
                    break
                seen.add(target)
                current = target
                continue
            break
        else:
            result.fail("too many redirects", f"more than {self.settings.max_redirects} redirects")
        result.elapsed = time.monotonic() - start
        return result

    async def _hop(self, url: str, current: str, headers: dict[str, str],
                   accept: tuple[str, ...], check_robots: bool,
                   into: Callable[[bytes], Awaitable[None]] | None = None) -> FetchResult:
        """One URL of a redirect chain: checks, then attempts with retries."""
        result = FetchResult(url, current)
        refused = unsafe_scheme(current)
        host = (urlsplit(current).hostname or "").lower()
        if refused is None and not self.settings.allow_private:
            refused = await private_address(host)
        if refused is not None:
            result.fail("refused", refused, skipped=True)
            return result
        site = self.settings.site(host)
        if site.delay is not None:
            self.gate.set_base_delay(host, site.delay)
        obey = site.obey_robots if site.obey_robots is not None else self.settings.obey_robots
        if check_robots and obey:
            unreadable = await self._robots_unreadable(current)
            if unreadable is not None:  # the site is down or refuses: a failure, not policy
                result.fail(unreadable)
                return result
            if not await self.allowed(current):
                result.fail("disallowed by robots.txt", skipped=True)
                return result
        s = self.settings
        for attempt in range(s.retries + 1):
            result = FetchResult(url, current, attempts=attempt + 1)
            async with self.gate.slot(host):
                await self._attempt(result, headers, accept, into)
            wait = self._retry_wait(result, attempt)
            if wait is None:
                break
            if wait > s.max_retry_after:
                result.error = f"{result.error}; Retry-After {wait:.0f} s is too long"
                break
            self.gate.defer(host, wait)
        return result

    def _retry_wait(self, result: FetchResult, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when the result is final."""
        if result.skipped or result.streamed or attempt >= self.settings.retries:
            return None
        if result.error is None or result.status not in _RETRY_STATUS and result.status is not None:
            return None
        after = _retry_after(result.headers.get("retry-after"))
        if after is not None:
            return after
        return self.settings.backoff * 2 ** attempt * (0.5 + random.random())

    async def _attempt(self, result: FetchResult, headers: dict[str, str],
                       accept: tuple[str, ...],
                       into: Callable[[bytes], Awaitable[None]] | None = None) -> None:
        s = self.settings
        origin = _origin(result.final_url)
        self._busy[origin] = self._busy.get(origin, 0) + 1
        try:
            async with asyncio.timeout(s.total_timeout if into is None else None):
                client = self._client_for(result.final_url)
                async with client.stream("GET", result.final_url, headers=headers) as resp:
                    self.gate.answered(result.host)
                    result.status = resp.status_code
                    result.headers = {k.lower(): v for k, v in resp.headers.items()}
                    if resp.status_code >= 400:
                        result.fail(f"HTTP {resp.status_code}")
                    elif 200 <= resp.status_code < 300 and into is not None:
                        await self._stream(resp, result, into)
                    elif 200 <= resp.status_code < 300:
                        self._check_type(result, accept)
                        raw = await self._read(resp, result)
                        if self.warc is not None:
                            self.warc.write(result, resp, raw)
        except _Refused as exc:
            result.fail(exc.reason, str(exc), skipped=True)
            result.body = b""
        except TimeoutError:
            result.fail("total timeout", f"no complete response in {s.total_timeout:g} s")
        except httpx.ConnectTimeout:
            result.fail("connect timeout", f"connect timeout ({s.connect_timeout:g} s)")
        except httpx.ReadTimeout:
            result.fail("read timeout", f"read timeout ({s.read_timeout:g} s between bytes)")
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            result.fail("connection broken", f"connection broken: {exc or type(exc).__name__}")
        except httpx.ConnectError as exc:
            if isinstance(exc.__cause__, PeerRefused):
                result.fail("refused", str(exc), skipped=True)
            else:
                result.fail(_connect_failure(exc), f"cannot connect: {exc or type(exc).__name__}")
        except httpx.HTTPError as exc:
            result.fail(type(exc).__name__, f"{type(exc).__name__}: {exc}")
        finally:
            self._busy[origin] -= 1

    def _check_type(self, result: FetchResult, accept: tuple[str, ...]) -> None:
        kind = result.content_type
        if kind and kind not in accept:
            raise _Refused("not a page", f"not a page: {kind}")
        length = result.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.settings.max_bytes:
            raise _Refused("too large", f"too large: Content-Length {int(length):,} bytes "
                           f"(cap {self.settings.max_bytes:,})")

    async def _read(self, resp: httpx.Response, result: FetchResult) -> bytes:
        """Stream the body under both caps; returns the raw (wire) bytes, sets the body."""
        s = self.settings
        encoding = resp.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
            raise _Refused("unsupported encoding", f"unsupported Content-Encoding {encoding!r}")
        inflater = zlib.decompressobj(wbits=47) if encoding not in ("identity", "") else None
        raw, body = bytearray(), bytearray()
        async for chunk in resp.aiter_raw():
            raw += chunk
            if len(raw) > s.max_bytes:
                raise _Refused("too large", f"too large: over {s.max_bytes:,} bytes")
            if inflater is None:
                continue
            try:
                body += inflater.decompress(chunk, s.max_decompressed - len(body) + 1)
            except zlib.error as exc:
                raise _Refused("corrupt body", f"corrupt {encoding} body ({exc})") from None
            if len(body) > s.max_decompressed or inflater.unconsumed_tail:
                raise _Refused("too large",
                               f"too large: over {s.max_decompressed:,} bytes decompressed")
        result.body = bytes(raw) if inflater is None else bytes(body)
        return bytes(raw)

    async def _stream(self, resp: httpx.Response, result: FetchResult,
                      into: Callable[[bytes], Awaitable[None]]) -> None:
        """Hand the body to `into` as it arrives (decoded when the server encoded it)."""
        encoding = resp.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
            raise _Refused("unsupported encoding", f"unsupported Content-Encoding {encoding!r}")
        inflater = zlib.decompressobj(wbits=47) if encoding not in ("identity", "") else None
        async for chunk in resp.aiter_raw():
            if inflater is not None:
                try:
                    chunk = inflater.decompress(chunk)
                except zlib.error as exc:
                    raise _Refused("corrupt body", f"corrupt {encoding} body ({exc})") from None
            if chunk:
                await into(chunk)
                result.streamed += len(chunk)

    async def allowed(self, url: str) -> bool:
        """Does robots.txt of `url`'s origin let us fetch it? Fetched once per origin:
        a missing file (4xx) allows everything, an unreachable one (5xx, network) nothing
        (RFC 9309), for this run."""
        rules = await self._robots_for(url)
        if isinstance(rules, (bool, str)):
            return rules is True
        return rules.can_fetch(url, self._user_agent(urlsplit(url).hostname or "").split("/")[0])

    async def robots_sitemaps(self, url: str) -> list[str]:
        """The `Sitemap:` lines of robots.txt of `url`'s origin (read once per origin, as
        for `allowed`), resolved against the origin, each once, in file order."""
        rules = await self._robots_for(url)
        if isinstance(rules, (bool, str)):
            return []
        origin = _origin(url)
        found: dict[str, None] = {}
        for line in rules.sitemaps:
            try:
                found.setdefault(urljoin(origin + "/", line.strip()))
            except ValueError:
                continue
        return [u for u in found if urlsplit(u).scheme in ("http", "https")]

    async def _robots_unreadable(self, url: str) -> str | None:
        """Why robots.txt of `url`'s origin could not be read ("robots.txt unreachable
        (connection refused)"), or None when it was (or is missing)."""
        rules = await self._robots_for(url)
        return rules if isinstance(rules, str) else None

    async def _robots_for(self, url: str) -> Protego | bool | str:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(origin, parts.hostname or "")
        return self._robots[origin]

    async def _load_robots(self, origin: str, host: str) -> Protego | bool | str:
        """The rules of one origin, fetched like any URL (redirects, http -> https being
        common, each hop checked; retries) but without asking robots.txt about itself;
        with a shared cache, read once for all workers."""
        cached = await self._shared_robots(origin)
        if cached is not None:
            body, problem = cached
        else:
            body, problem = await self._fetch_robots(origin)
            if self.robots is not None:
                self.robots.put(origin, body, problem)
        if problem is not None:
            return problem
        if body is None:
            return True
        rules = Protego.parse(body)
        delay = rules.crawl_delay(self._user_agent(host).split("/")[0])
        if delay:
            self.gate.set_delay(host.lower(), float(delay))
        return rules

    async def _shared_robots(self, origin: str) -> tuple[str | None, str | None] | None:
        """What another worker read of `origin`'s robots.txt (waiting while one reads it),
        or None: this fetcher reads it (no shared cache, or this worker's turn)."""
        if self.robots is None:
            return None
        deadline = time.monotonic() + self.settings.connect_timeout + self.settings.total_timeout
        while (cached := self.robots.get(origin)) is None:
            if self.robots.claim(origin) or time.monotonic() > deadline:
                return None
            await asyncio.sleep(0.05)
        return cached

    async def _fetch_robots(self, origin: str) -> tuple[str | None, str | None]:
        """(robots.txt's text or None: no rules, why it is unreachable or None)."""
        result = await self.fetch(origin + "/robots.txt", accept=("text/plain", "text/html"),
                                  check_robots=False)
        if result.status is None or result.status >= 500:
            # Unreachable, or refused (a redirect we will not follow): fetch nothing.
            return None, f"robots.txt unreachable ({result.reason or f'HTTP {result.status}'})"
        if not result.ok:
            return None, None  # 4xx, a non-text answer, too many redirects: no rules
        return result.body[:_ROBOTS_MAX].decode("utf-8", "replace"), None


class RobotsCache(Protocol):
    """robots.txt shared by the workers of a crawl (`scraper.store.pg.hosts.SharedRobots`)."""

    def get(self, origin: str) -> tuple[str | None, str | None] | None:
        """(body, problem) as a worker read it lately, or None."""
    def claim(self, origin: str) -> bool:
        """May this worker read it now (else another is reading it)?"""
    def put(self, origin: str, body: str | None, problem: str | None) -> None:
        """What this worker read (body None: no rules; problem: unreachable)."""


def _connect_failure(exc: httpx.ConnectError) -> str:
    """The category of a failed connection: "connection refused", "unknown host" (DNS),
    or "cannot connect"."""
    cause: BaseException | None = exc
    for _ in range(10):  # a chain of causes, bounded
        if cause is None:
            break
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "unknown host"
        cause = cause.__cause__ or cause.__context__
    return "cannot connect"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

"""URLs from feeds and sitemaps are untrusted: refuse other schemes, and hosts that resolve
to private, loopback, link-local (cloud metadata: 169.254.169.254) or otherwise reserved
addresses, unless the user allowed private addresses."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import httpcore
from httpcore._backends.anyio import AnyIOBackend

SCHEMES = ("http", "https")


def unsafe_scheme(url: str) -> str | None:
    """A reason to refuse `url` for its scheme or shape, or None."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        return f"refused: scheme {parts.scheme or '(none)'!r} is not http or https"
    if not parts.hostname:
        return "refused: no host in the URL"
    if parts.username or parts.password:
        return "refused: credentials in the URL"
    return None


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def private_address(host: str) -> str | None:
    """A reason to refuse `host` because it resolves to a non-public address, or None.

    Every address the name resolves to must be public: one private answer is enough to
    refuse (a name with both is a classic way in). Resolution failures are not refusals;
    the fetch itself reports them.
    """
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return None
    for info in infos:
        address = str(info[4][0])
        if not _is_public(address):
            return f"refused: {host} resolves to the non-public address {address} " \
                   f"(--allow-private to fetch it)"
    return None


class PeerRefused(httpcore.ConnectError):
    """The connection reached a non-public address (httpx re-raises it as its own
    ConnectError, with this one as the cause)."""


class PublicOnlyBackend(AnyIOBackend):
    """httpcore's network backend, refusing a connection whose peer is not public.

    The check on the resolved name (`private_address`) gives a clear early answer, but the
    HTTP client resolves the name again when it connects; a name that answers public first
    and private then (DNS rebinding) would slip through. This checks the address actually
    connected to, before a byte of the request is sent.
    """

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        stream = await super().connect_tcp(host, port, timeout=timeout,
                                           local_address=local_address,
                                           socket_options=socket_options)
        peer = stream.get_extra_info("server_addr")
        if peer and not _is_public(str(peer[0])):
            await stream.aclose()
            raise PeerRefused(f"refused: {host} connected to the non-public "
                              f"address {peer[0]} (--allow-private to fetch it)")
        return stream

"""The client's address: the peer, or, behind a configured proxy, the address it forwarded.

Per-address limits (the chat, sign-in, hand-offs, look-ups) count on this address. Believing
``X-Forwarded-For`` from anyone would let a client pick the address its limits count on;
believing no proxy would make every client behind one the same client (one script exhausts
the chat limit for the whole province, five bad passwords lock an account for everyone).

``TRUSTED_PROXIES`` (addresses or CIDRs, comma-separated; default none) names the proxies.
When the immediate peer is one of them, the header is read from the right, skipping trusted
hops: the first address that is not a trusted proxy is the client's. Whatever a client
wrote to the left of that is never read. Uvicorn's own proxy handling is off
(``trolyao api``), so this is the one place the decision is made.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.requests import Request

from trolyao.settings import get_settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
#: The longest forwarded entry read (a hostile header may be long; an address is short).
MAX_HOP = 64


@lru_cache(maxsize=8)
def trusted_networks(spec: str) -> tuple[Network, ...]:
    """The networks of a ``TRUSTED_PROXIES`` value (validated by the settings)."""
    return tuple(
        ipaddress.ip_network(p.strip(), strict=False) for p in spec.split(",") if p.strip()
    )


def _address(text: str) -> Address | None:
    """An address from a forwarded entry: ``1.2.3.4``, ``1.2.3.4:5678``, ``[::1]:80``, ``::1``."""
    text = text.strip()[:MAX_HOP]
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request: Request) -> str:
    """The client's address for limits, lockouts and logs (see the module's docstring)."""
    peer = request.client.host if request.client else "unknown"
    networks = trusted_networks(get_settings().trusted_proxies)
    if not networks or not _trusted(_address(peer), networks):
        return peer
    hops = [
        hop.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return hop[:MAX_HOP]  # not an address: still the client's, never a proxy's
        if not _trusted(address, networks):
            return str(address)
    # every hop is a trusted proxy (or none was forwarded): the farthest one
    return str(_address(hops[0])) if hops else peer

"""The address a request comes from, as lock-outs count it."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=4)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parse(address: str | None):
    try:
        return ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The connection's address; behind a trusted proxy (settings.TRUSTED_PROXIES), the last
    address in X-Forwarded-For that is not one of the trusted proxies.

    Each proxy appends the address it received the request from, so entries left of the ones
    the trusted proxies wrote were written by the client and prove nothing: a client that sends
    its own X-Forwarded-For cannot choose the address its failures are counted against.
    """
    remote = request.META.get("REMOTE_ADDR")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    remote_ip = _parse(remote)
    if remote_ip is None or not any(remote_ip in net for net in networks):
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        ip = _parse(hop)
        if ip is None:
            break  # the proxy wrote nothing usable: count the proxy itself
        if not any(ip in net for net in networks):
            return str(ip)
    return remote

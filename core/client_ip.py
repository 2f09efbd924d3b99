"""Who the client is, for rate limits: never taken from a header we cannot trust.

TRUSTED_PROXIES lists our reverse proxies' addresses (CIDR). X-Forwarded-For is read only
when the request comes from one of them; it is then walked from the right, each of our proxies
having appended the address it received the request from, and the first address that is not
one of our proxies is the client. Anything to its left was written by the client and ignored.

With no TRUSTED_PROXIES the client is REMOTE_ADDR, whatever the header says. The older
TRUSTED_PROXY_COUNT (the N-th address from the right, whoever sent it) is still honoured when
TRUSTED_PROXIES is empty, and the deploy check warns about it.

A header arriving while no proxy is trusted means the app runs behind a proxy nobody declared:
every client then shares the proxy's rate limits. That is logged once per process (not a
deploy check: CI runs `check --deploy` without a proxy, and only traffic shows the proxy).
"""

import functools
import ipaddress
import logging
from typing import Any

from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.http import HttpRequest

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.cache
def _networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def trusted_proxy_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _parse(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_proxy(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def _forwarded_for(request: HttpRequest) -> list[str]:
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return [part.strip() for part in header.split(",") if part.strip()]


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_proxy_networks()
    if networks:
        return _client_behind(remote, _forwarded_for(request), networks)
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if count > 0:
        return _client_by_count(remote, _forwarded_for(request), count)
    if "HTTP_X_FORWARDED_FOR" in request.META:
        _warn_undeclared_proxy(remote)
    return remote


def _client_behind(remote: str, forwarded: list[str], networks: tuple[Network, ...]) -> str:
    """The right-most address that is not one of our proxies, if REMOTE_ADDR is one."""
    remote_address = _parse(remote)
    if remote_address is None or not _is_proxy(remote_address, networks):
        return remote  # not from our proxy: its header is the client's own words
    client = remote_address
    for entry in reversed(forwarded):
        address = _parse(entry)
        if address is None:
            break  # garbage from the client: the last proxy's peer is as far as we can see
        client = address
        if not _is_proxy(address, networks):
            break
    return str(client)


def _client_by_count(remote: str, forwarded: list[str], count: int) -> str:
    if len(forwarded) < count:
        return remote  # our own proxies did not all add their entry: trust nothing
    address = _parse(forwarded[-count])
    return str(address) if address is not None else remote


_warned: list[bool] = []  # once per process


def _warn_undeclared_proxy(remote: str) -> None:
    """Log (once per process) that X-Forwarded-For arrives while no proxy is trusted."""
    if _warned:
        return
    _warned.append(True)
    logger.warning(
        "X-Forwarded-For arrives from %s but TRUSTED_PROXIES is empty: if that is our reverse "
        "proxy, every client behind it shares one rate limit. Set TRUSTED_PROXIES.",
        remote,
    )


def client_key(request: HttpRequest) -> str:
    """The rate-limit identity: the IPv4 address, or the /64 an IPv6 client can rotate within."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def check_trusted_proxies(**kwargs: Any) -> list[CheckWarning]:
    """Deploy check: TRUSTED_PROXIES must parse; the count alone trusts any peer's header."""
    try:
        networks = trusted_proxy_networks()
    except ValueError as exc:
        return [CheckWarning(f"TRUSTED_PROXIES holds a bad address: {exc}", id="core.W001")]
    if not networks and int(getattr(settings, "TRUSTED_PROXY_COUNT", 0)) > 0:
        return [
            CheckWarning(
                "TRUSTED_PROXY_COUNT is set without TRUSTED_PROXIES: X-Forwarded-For is "
                "trusted from any address that reaches the app.",
                hint="List the reverse proxies' addresses (CIDR) in TRUSTED_PROXIES.",
                id="core.W002",
            )
        ]
    return []

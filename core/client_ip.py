"""Who the client is, for rate limits: never taken from a header we cannot trust.

With TRUSTED_PROXY_COUNT = N, each of our N proxies appends the address it received the
request from to X-Forwarded-For, so the client is the N-th address from the right. Anything
to the left of it was written by the client and is ignored. With N = 0 (no proxy) the client is
REMOTE_ADDR, whatever the header says.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        # Our own proxies did not all add their entry: misconfigured, trust nothing.
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


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

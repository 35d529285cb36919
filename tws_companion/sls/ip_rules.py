"""IP restrictions: the addresses a user designated, and whether a login comes from one of them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

Network = IPv4Network | IPv6Network

#: ``::ffff:0:0/96``: IPv4 addresses written as IPv6.
_MAPPED_PREFIX = 96
_MAX_SHOWN = 64


def _unmap(network: Network) -> Network:
    """An IPv4-mapped IPv6 block (``::ffff:10.0.0.0/104``) as the IPv4 block it stands for."""
    if isinstance(network, IPv6Network) and network.prefixlen >= _MAPPED_PREFIX:
        mapped = network.network_address.ipv4_mapped
        if mapped is not None:
            return IPv4Network((mapped, network.prefixlen - _MAPPED_PREFIX))
    return network


def parse_allowed_ips(entries: Iterable[str]) -> tuple[Network, ...]:
    """Parse designated addresses: single addresses and CIDR blocks, IPv4 or IPv6.

    Host bits are allowed (``10.0.0.7/24`` means ``10.0.0.0/24``). A bad entry raises
    ``ValueError`` naming it.
    """
    if isinstance(entries, str):
        raise TypeError("entries must be an iterable of strings, not one string")
    networks: list[Network] = []
    for entry in entries:
        network = _parse_network(entry)
        if network is None:
            shown = repr(entry)
            if len(shown) > _MAX_SHOWN:
                shown = shown[: _MAX_SHOWN - 3] + "..."
            raise ValueError(f"not an IP address or CIDR block: {shown}")
        networks.append(network)
    return tuple(networks)


def _parse_network(entry: object) -> Network | None:
    if not isinstance(entry, str) or not entry.strip():
        return None
    try:
        return _unmap(ip_network(entry.strip(), strict=False))
    except ValueError:
        return None


def ip_allowed(address: str, allowed: Sequence[Network]) -> bool:
    """Whether a login from ``address`` is permitted by the designated ``allowed`` networks.

    No designated networks means no restriction. An address that does not parse is refused. An
    IPv4-mapped IPv6 address (``::ffff:10.0.0.1``, as dual-stack servers report IPv4 clients)
    matches IPv4 networks.
    """
    if not allowed:
        return True
    try:
        parsed = ip_address(address.strip())
    except (ValueError, AttributeError):
        return False
    candidates: list[IPv4Address | IPv6Address] = [parsed]
    if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is not None:
        candidates.append(parsed.ipv4_mapped)
    # A network never contains an address of the other IP version.
    return any(candidate in network for candidate in candidates for network in allowed)

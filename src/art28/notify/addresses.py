"""Which IP addresses art28 may POST a webhook to: public ones only, an IPv6 address that embeds an IPv4
address judged by that IPv4 address.

A customer chooses its webhook URL and art28 sends from inside the provider's network, so an address
that is not public (loopback, a private network, 169.254.169.254 where clouds serve instance
credentials) would let a customer reach internal services: server-side request forgery. IPv6 offers
ways to write an IPv4 address inside an IPv6 one, which the host's dual stack, a NAT64 translator or a
tunnel relay turns back into IPv4 traffic, so ``[64:ff9b::7f00:1]`` is 127.0.0.1 in disguise.

The ranges come from the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890) and the RFC
named at each. Python's ``ipaddress`` is a second opinion, not the rule: its ``is_global`` calls
224.0.0.1 (multicast), fec0::/10, 3fff::/20, ``::127.0.0.1`` and ``64:ff9b::7f00:1`` global.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

IPAddress = IPv4Address | IPv6Address

_LAST_32_BITS = 0xFFFF_FFFF

# Not public, most specific first where ranges nest (the first match names the reason).
_IPV4_NOT_PUBLIC: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(network), reason)
    for network, reason in (
        ("0.0.0.0/8", "'this network', incl. the unspecified address (RFC 1122 §3.2.1.3)"),
        ("10.0.0.0/8", "private-use (RFC 1918)"),
        ("100.64.0.0/10", "shared address space, carrier-grade NAT (RFC 6598)"),
        ("127.0.0.0/8", "loopback (RFC 1122 §3.2.1.3)"),
        ("169.254.169.254/32", "link-local, the cloud metadata service (RFC 3927)"),
        ("169.254.0.0/16", "link-local (RFC 3927)"),
        ("172.16.0.0/12", "private-use (RFC 1918)"),
        ("192.0.0.0/24", "IETF protocol assignments (RFC 6890 §2.2.2)"),
        ("192.0.2.0/24", "documentation, TEST-NET-1 (RFC 5737)"),
        ("192.88.99.0/24", "6to4 relay anycast, deprecated (RFC 7526)"),
        ("192.168.0.0/16", "private-use (RFC 1918)"),
        ("198.18.0.0/15", "benchmarking (RFC 2544)"),
        ("198.51.100.0/24", "documentation, TEST-NET-2 (RFC 5737)"),
        ("203.0.113.0/24", "documentation, TEST-NET-3 (RFC 5737)"),
        ("224.0.0.0/4", "multicast (RFC 5771)"),
        ("255.255.255.255/32", "limited broadcast (RFC 919 §7, RFC 8190)"),
        ("240.0.0.0/4", "reserved (RFC 1112 §4)"),
    )
)

# Not public, outside the embedding forms below (which come first: ::/96 holds :: and ::1, 2001::/23 Teredo).
_IPV6_NOT_PUBLIC: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(network), reason)
    for network, reason in (
        ("::/128", "the unspecified address (RFC 4291 §2.5.2)"),
        ("::1/128", "loopback (RFC 4291 §2.5.3)"),
        ("100::/64", "discard-only (RFC 6666)"),
        ("2001:2::/48", "benchmarking (RFC 5180)"),
        ("2001:db8::/32", "documentation (RFC 3849)"),
        ("2001::/23", "IETF protocol assignments (RFC 2928)"),
        ("3fff::/20", "documentation (RFC 9637)"),
        ("fc00::/7", "unique local (RFC 4193)"),
        ("fe80::/10", "link-local (RFC 4291 §2.5.6)"),
        ("fec0::/10", "site-local, deprecated (RFC 3879)"),
        ("ff00::/8", "multicast (RFC 4291 §2.7)"),
    )
)
# Everything else outside global unicast is unassigned or special (RFC 4291 §2.4, IANA IPv6 Address Space).
_IPV6_GLOBAL_UNICAST = IPv6Network("2000::/3")

_IPV6_UNSPECIFIED = IPv6Address("::")
_IPV6_LOOPBACK = IPv6Address("::1")
_IPV4_MAPPED = IPv6Network("::ffff:0:0/96")
_IPV4_TRANSLATED = IPv6Network("::ffff:0:0:0/96")
_IPV4_COMPATIBLE = IPv6Network("::/96")
_NAT64_WELL_KNOWN = IPv6Network("64:ff9b::/96")
_NAT64_LOCAL_USE = IPv6Network("64:ff9b:1::/48")
_NAT64_LOCAL_USE_96 = IPv6Network("64:ff9b:1::/96")
_SIX_TO_FOUR = IPv6Network("2002::/16")
_TEREDO = IPv6Network("2001::/32")


class AmbiguousEmbedding(ValueError):
    """The IPv6 address embeds an IPv4 address whose position art28 cannot know."""


def _last_32_bits(address: IPv6Address) -> IPv4Address:
    return IPv4Address(int(address) & _LAST_32_BITS)


def _nat64_local_use(address: IPv6Address) -> IPv4Address:
    """RFC 8215 lets an operator place a /48 to /96 prefix in 64:ff9b:1::/48, and RFC 6052 §2.2 puts
    the IPv4 address at a different place for each length. art28 decodes the /96 form (the last 32
    bits); with any other bit set after the /48 the IPv4 address cannot be known, so it is refused."""
    if address not in _NAT64_LOCAL_USE_96:
        raise AmbiguousEmbedding(
            "local-use NAT64 prefix (RFC 8215) with bits set between the /48 and the last 32 bits: the IPv4 "
            "address depends on the translator's prefix length (RFC 6052 §2.2)"
        )
    return _last_32_bits(address)


def _six_to_four(address: IPv6Address) -> IPv4Address:
    """RFC 3056 §2: 2002:V4ADDR::/48, the IPv4 address is bits 16 to 47."""
    return IPv4Address((int(address) >> 80) & _LAST_32_BITS)


def _teredo_server(address: IPv6Address) -> IPv4Address:
    """RFC 4380 §4: the Teredo server's IPv4 address is bits 32 to 63."""
    return IPv4Address((int(address) >> 64) & _LAST_32_BITS)


def _teredo_client(address: IPv6Address) -> IPv4Address:
    """RFC 4380 §4: the client's (mapped, public) IPv4 address is the last 32 bits, each bit inverted."""
    return IPv4Address(~int(address) & _LAST_32_BITS)


# Every IPv6 form that embeds an IPv4 address: the range, its name, and the IPv4 addresses it carries.
EMBEDDINGS: tuple[tuple[IPv6Network, str, tuple[tuple[str, Callable[[IPv6Address], IPv4Address]], ...]], ...] = (
    (_IPV4_MAPPED, "IPv4-mapped (RFC 4291 §2.5.5.2)", (("", _last_32_bits),)),
    (_IPV4_TRANSLATED, "IPv4-translated (RFC 2765 §2.1)", (("", _last_32_bits),)),
    (_IPV4_COMPATIBLE, "IPv4-compatible (RFC 4291 §2.5.5.1)", (("", _last_32_bits),)),
    (_NAT64_WELL_KNOWN, "NAT64 well-known prefix (RFC 6052 §2.1)", (("", _last_32_bits),)),
    (_NAT64_LOCAL_USE, "local-use NAT64 prefix (RFC 8215)", (("", _nat64_local_use),)),
    (_SIX_TO_FOUR, "6to4 (RFC 3056 §2)", (("", _six_to_four),)),
    (_TEREDO, "Teredo (RFC 4380 §4)", (("server ", _teredo_server), ("client ", _teredo_client))),
)


def embedded_ipv4(address: IPv6Address) -> tuple[str, list[tuple[str, IPv4Address]]] | None:
    """The embedding form's name and the IPv4 addresses ``address`` carries (role, address), or None
    when it embeds none. Raises AmbiguousEmbedding when it embeds one that cannot be located."""
    if address in (_IPV6_UNSPECIFIED, _IPV6_LOOPBACK):
        return None  # :: and ::1 are IPv6's own unspecified and loopback addresses, not IPv4-compatible ones
    for network, name, decoders in EMBEDDINGS:
        if address in network:
            return name, [(role, decode(address)) for role, decode in decoders]
    return None


def _ipv4_reason(address: IPv4Address) -> str | None:
    for network, reason in _IPV4_NOT_PUBLIC:
        if address in network:
            return reason
    if not address.is_global:  # a range added to the IANA registry after this table was written
        return "not globally reachable (IANA IPv4 Special-Purpose Address Registry)"
    return None


def non_public_reason(address: IPAddress) -> str | None:
    """Why art28 may not send a webhook to ``address`` (e.g. "loopback (RFC 1122 §3.2.1.3)"), or None
    when it is public. An IPv6 address that embeds IPv4 addresses is public only when each is."""
    if isinstance(address, IPv4Address):
        return _ipv4_reason(address)
    if address.scope_id:
        return "an IPv6 address with a zone (RFC 4007 §11), which only means something on one link"
    try:
        embedding = embedded_ipv4(address)
    except AmbiguousEmbedding as exc:
        return str(exc)
    if embedding is not None:
        name, carried = embedding
        for role, ipv4 in carried:
            if (reason := _ipv4_reason(ipv4)) is not None:
                return f"{name}, embedding the {role}IPv4 address {ipv4}: {reason}"
        return None
    for network, reason in _IPV6_NOT_PUBLIC:
        if address in network:
            return reason
    if address not in _IPV6_GLOBAL_UNICAST:
        return "outside global unicast 2000::/3 (RFC 4291 §2.4)"
    if not address.is_global:  # a range added to the IANA registry after this table was written
        return "not globally reachable (IANA IPv6 Special-Purpose Address Registry)"
    return None

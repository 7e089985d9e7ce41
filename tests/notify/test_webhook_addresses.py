"""Webhook SSRF: which addresses art28 may POST to. Every IPv6 form that embeds an IPv4 address is decoded and
judged by that IPv4 address; IPv6's own non-public ranges are refused (IANA special-purpose registries, RFC 6890).

The four URLs the probe of issue 10 found accepted are pinned first; on the code before this change
(``ipaddress.is_global`` alone) each of them was accepted as public.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from art28.notify import addresses, webhooks


@pytest.fixture(autouse=True)
def _no_loopback_allowance(settings):
    settings.ART28_WEBHOOK_ALLOW_LOOPBACK = False


@pytest.mark.parametrize(
    ("url", "embedded"),
    [
        ("https://[64:ff9b::7f00:1]/", "127.0.0.1"),  # NAT64 well-known prefix, RFC 6052
        ("https://[64:ff9b::a9fe:a9fe]/", "169.254.169.254"),  # the cloud metadata service through NAT64
        ("https://[::127.0.0.1]/", "127.0.0.1"),  # IPv4-compatible, RFC 4291 §2.5.5.1
        ("https://[::ffff:0:7f00:1]/", "127.0.0.1"),  # IPv4-translated, RFC 2765 §2.1
    ],
)
def test_the_urls_the_probe_found_are_refused(url, embedded):
    with pytest.raises(ValidationError) as info:
        webhooks.validate_endpoint_url(url)
    assert "non-public" in str(info.value) and embedded in str(info.value)


# (IPv6 address, the form and RFC the reason must name, the IPv4 address it embeds, why that one is not public)
EMBEDDING_REFUSED = [
    ("::ffff:127.0.0.1", "IPv4-mapped (RFC 4291", "127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "IPv4-mapped (RFC 4291", "169.254.169.254", "cloud metadata"),
    ("::ffff:10.1.2.3", "IPv4-mapped (RFC 4291", "10.1.2.3", "private-use (RFC 1918)"),
    ("::ffff:0.0.0.0", "IPv4-mapped (RFC 4291", "0.0.0.0", "unspecified"),  # noqa: S104 (not a bind)
    ("::ffff:255.255.255.255", "IPv4-mapped (RFC 4291", "255.255.255.255", "broadcast"),
    ("::ffff:224.0.0.1", "IPv4-mapped (RFC 4291", "224.0.0.1", "multicast"),
    ("::ffff:240.0.0.1", "IPv4-mapped (RFC 4291", "240.0.0.1", "reserved"),
    ("::127.0.0.1", "IPv4-compatible (RFC 4291", "127.0.0.1", "loopback"),
    ("::10.0.0.1", "IPv4-compatible (RFC 4291", "10.0.0.1", "private-use"),
    ("::ffff:0:7f00:1", "IPv4-translated (RFC 2765", "127.0.0.1", "loopback"),
    ("::ffff:0:c0a8:101", "IPv4-translated (RFC 2765", "192.168.1.1", "private-use"),
    ("64:ff9b::7f00:1", "NAT64 well-known prefix (RFC 6052", "127.0.0.1", "loopback"),
    ("64:ff9b::a9fe:a9fe", "NAT64 well-known prefix (RFC 6052", "169.254.169.254", "cloud metadata"),
    ("64:ff9b::6440:1", "NAT64 well-known prefix (RFC 6052", "100.64.0.1", "carrier-grade NAT (RFC 6598)"),
    ("64:ff9b::c612:1", "NAT64 well-known prefix (RFC 6052", "198.18.0.1", "benchmarking"),
    ("64:ff9b:1::7f00:1", "local-use NAT64 prefix (RFC 8215", "127.0.0.1", "loopback"),
    ("64:ff9b:1::ac10:1", "local-use NAT64 prefix (RFC 8215", "172.16.0.1", "private-use"),
    ("2002:7f00:1::1", "6to4 (RFC 3056", "127.0.0.1", "loopback"),
    ("2002:a9fe:a9fe:1::1", "6to4 (RFC 3056", "169.254.169.254", "cloud metadata"),
    ("2002:c000:201::1", "6to4 (RFC 3056", "192.0.2.1", "documentation"),
    # Teredo: server 65.54.227.120 (public) and client 127.0.0.1 (last 32 bits inverted: 80ff:fffe).
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo (RFC 4380", "client IPv4 address 127.0.0.1", "loopback"),
    # Teredo: server 10.0.0.1 (private), client 8.8.8.8 (public).
    ("2001:0:a00:1:8000:63bf:f7f7:f7f7", "Teredo (RFC 4380", "server IPv4 address 10.0.0.1", "private-use"),
]


@pytest.mark.parametrize(("address", "form", "embedded", "why"), EMBEDDING_REFUSED)
def test_an_ipv6_address_embedding_a_non_public_ipv4_address_is_refused(address, form, embedded, why):
    reason = addresses.non_public_reason(ip_address(address))
    assert reason is not None and form in reason and embedded in reason and why in reason
    problem = webhooks.endpoint_url_problem(f"https://[{address}]/hook")
    assert problem is not None and "non-public" in problem and embedded in problem


EMBEDDING_ACCEPTED = [
    ("::ffff:8.8.8.8", "IPv4-mapped, RFC 4291 §2.5.5.2"),
    ("::8.8.8.8", "IPv4-compatible, RFC 4291 §2.5.5.1"),
    ("::ffff:0:808:808", "IPv4-translated, RFC 2765 §2.1"),
    ("64:ff9b::808:808", "NAT64 well-known prefix, RFC 6052 §2.1 (what DNS64 synthesises for 8.8.8.8)"),
    ("64:ff9b:1::808:808", "local-use NAT64 prefix in its /96 form, RFC 8215"),
    ("2002:808:808:1::1", "6to4, RFC 3056 §2"),
    ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", "Teredo, RFC 4380 §4: server 65.54.227.120, client 8.8.8.8"),
]


@pytest.mark.parametrize(("address", "form"), EMBEDDING_ACCEPTED)
def test_an_ipv6_address_embedding_a_public_ipv4_address_is_accepted(address, form):
    assert addresses.non_public_reason(ip_address(address)) is None, form
    assert webhooks.endpoint_url_problem(f"https://[{address}]/hook") is None, form


def test_a_local_use_nat64_address_whose_ipv4_position_is_unknown_is_refused():
    """RFC 8215 allows /48 to /96 prefixes in 64:ff9b:1::/48 and RFC 6052 §2.2 places the IPv4 address
    differently for each: with the /48 form this is 127.0.0.1 although its last 32 bits say 8.8.8.8."""
    reason = addresses.non_public_reason(ip_address("64:ff9b:1:7f00:0:100:808:808"))
    assert reason is not None and "RFC 8215" in reason and "RFC 6052 §2.2" in reason


IPV6_REFUSED = [
    ("::1", "loopback (RFC 4291 §2.5.3)"),
    ("::", "unspecified address (RFC 4291 §2.5.2)"),
    ("fc00::1", "unique local (RFC 4193)"),
    ("fd12:3456:789a::1", "unique local (RFC 4193)"),
    ("fe80::1", "link-local (RFC 4291 §2.5.6)"),
    ("fec0::1", "site-local, deprecated (RFC 3879)"),
    ("ff02::1", "multicast (RFC 4291 §2.7)"),
    ("ff0e::1", "multicast (RFC 4291 §2.7)"),
    ("2001:db8::1", "documentation (RFC 3849)"),
    ("3fff::1", "documentation (RFC 9637)"),
    ("100::1", "discard-only (RFC 6666)"),
    ("2001:2::1", "benchmarking (RFC 5180)"),
    ("2001:10::1", "IETF protocol assignments (RFC 2928)"),
    ("5f00::1", "outside global unicast 2000::/3 (RFC 4291 §2.4)"),
]


@pytest.mark.parametrize(("address", "why"), IPV6_REFUSED)
def test_ipv6_non_public_ranges_are_refused(address, why):
    assert why in (addresses.non_public_reason(ip_address(address)) or "")
    problem = webhooks.endpoint_url_problem(f"https://[{address}]/hook")
    assert problem is not None and "non-public" in problem and why in problem


def test_an_ipv6_address_with_a_zone_is_refused():
    """RFC 4007 §11: fe80::1%eth0 names an address on one link of this machine."""
    assert "zone" in (addresses.non_public_reason(ip_address("fe80::1%eth0")) or "")


IPV4_REFUSED = [
    ("0.0.0.0", "unspecified"),  # noqa: S104 (not a bind)
    ("10.0.0.1", "private-use (RFC 1918)"),
    ("100.64.0.1", "carrier-grade NAT (RFC 6598)"),
    ("100.127.255.254", "carrier-grade NAT (RFC 6598)"),
    ("127.0.0.1", "loopback"),
    ("169.254.169.254", "cloud metadata service (RFC 3927)"),
    ("169.254.1.1", "link-local (RFC 3927)"),
    ("172.31.0.1", "private-use (RFC 1918)"),
    ("192.0.0.8", "IETF protocol assignments"),
    ("192.0.2.1", "TEST-NET-1 (RFC 5737)"),
    ("192.88.99.1", "6to4 relay anycast"),
    ("192.168.0.1", "private-use (RFC 1918)"),
    ("198.18.0.1", "benchmarking (RFC 2544)"),
    ("198.51.100.1", "TEST-NET-2 (RFC 5737)"),
    ("203.0.113.1", "TEST-NET-3 (RFC 5737)"),
    ("224.0.0.1", "multicast (RFC 5771)"),
    ("239.255.255.250", "multicast (RFC 5771)"),
    ("240.0.0.1", "reserved (RFC 1112"),
    ("255.255.255.255", "limited broadcast"),
]


@pytest.mark.parametrize(("address", "why"), IPV4_REFUSED)
def test_ipv4_non_public_ranges_are_refused(address, why):
    assert why in (addresses.non_public_reason(ip_address(address)) or "")
    problem = webhooks.endpoint_url_problem(f"https://{address}/hook")
    assert problem is not None and "non-public" in problem and why in problem


@pytest.mark.parametrize("host", ["127.1", "0x7f.1", "2130706433", "0177.0.0.1", "0x7f000001"])
def test_other_spellings_of_an_ipv4_address_are_judged_by_what_they_resolve_to(host):
    problem = webhooks.endpoint_url_problem(f"https://{host}/hook")
    assert problem is not None and "127.0.0.1" in problem and "loopback" in problem


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001:80e::200e"])
def test_public_addresses_are_accepted(address):
    assert addresses.non_public_reason(ip_address(address)) is None
    host = f"[{address}]" if ":" in address else address
    assert webhooks.endpoint_url_problem(f"https://{host}/hook") is None


# The decoders written from the RFCs agree with Python's, where Python has one.
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=0, max_value=2**80 - 1))
def test_the_6to4_decoder_agrees_with_ipaddress(ipv4, rest):
    address = IPv6Address((0x2002 << 112) | (ipv4 << 80) | rest)
    assert addresses.embedded_ipv4(address) == ("6to4 (RFC 3056 §2)", [("", IPv4Address(ipv4))])
    assert address.sixtofour == IPv4Address(ipv4)


@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
def test_the_teredo_decoder_agrees_with_ipaddress(server, flags_port, client_obfuscated):
    address = IPv6Address((0x2001_0000 << 96) | (server << 64) | (flags_port << 32) | client_obfuscated)
    name, [(_, decoded_server), (_, decoded_client)] = addresses.embedded_ipv4(address)  # type: ignore[misc]
    assert name == "Teredo (RFC 4380 §4)"
    assert (decoded_server, decoded_client) == address.teredo


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_the_ipv4_mapped_decoder_agrees_with_ipaddress(ipv4):
    address = IPv6Address((0xFFFF << 32) | ipv4)
    assert addresses.embedded_ipv4(address) == ("IPv4-mapped (RFC 4291 §2.5.5.2)", [("", IPv4Address(ipv4))])
    assert address.ipv4_mapped == IPv4Address(ipv4)
    assert (addresses.non_public_reason(address) is None) == (addresses.non_public_reason(IPv4Address(ipv4)) is None)


EMBEDDING_FORMS = [
    ("::ffff:0:0", 0),  # IPv4-mapped, RFC 4291 §2.5.5.2
    ("::ffff:0:0:0", 0),  # IPv4-translated, RFC 2765 §2.1
    ("::", 0),  # IPv4-compatible, RFC 4291 §2.5.5.1
    ("64:ff9b::", 0),  # NAT64 well-known prefix, RFC 6052 §2.1
    ("64:ff9b:1::", 0),  # local-use NAT64 prefix, RFC 8215 (its /96 form)
    ("2002::", 80),  # 6to4, RFC 3056 §2: bits 16 to 47
]


@pytest.mark.parametrize(("prefix", "shift"), EMBEDDING_FORMS)
@given(ipv4=st.integers(min_value=0, max_value=2**32 - 1))
def test_every_embedding_form_is_as_public_as_the_ipv4_address_it_embeds(prefix, shift, ipv4):
    address = IPv6Address(int(IPv6Address(prefix)) | (ipv4 << shift))
    embedded = IPv4Address(ipv4)
    assert (addresses.non_public_reason(address) is None) == (addresses.non_public_reason(embedded) is None)

"""IP restrictions: parsing designated addresses and checking where a login comes from."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network

import pytest

from tws_companion.sls.ip_rules import ip_allowed, parse_allowed_ips


def test_parse_single_addresses_and_blocks() -> None:
    assert parse_allowed_ips(["203.0.113.7", "10.0.0.0/8", "2001:db8::/32", "2001:db8::1"]) == (
        IPv4Network("203.0.113.7/32"),
        IPv4Network("10.0.0.0/8"),
        IPv6Network("2001:db8::/32"),
        IPv6Network("2001:db8::1/128"),
    )


def test_parse_allows_host_bits_and_surrounding_spaces() -> None:
    assert parse_allowed_ips([" 192.168.1.77/24 "]) == (IPv4Network("192.168.1.0/24"),)


def test_parse_turns_ipv4_mapped_blocks_into_ipv4() -> None:
    assert parse_allowed_ips(["::ffff:10.0.0.0/104", "::ffff:198.51.100.9"]) == (
        IPv4Network("10.0.0.0/8"),
        IPv4Network("198.51.100.9/32"),
    )


def test_parse_nothing() -> None:
    assert parse_allowed_ips([]) == ()


@pytest.mark.parametrize("bad", ["", "   ", "10.0.0.256", "10.0.0.0/33", "example.com", "1.2.3"])
def test_parse_error_names_the_bad_entry(bad: str) -> None:
    with pytest.raises(ValueError, match="not an IP address or CIDR block") as excinfo:
        parse_allowed_ips(["10.0.0.1", bad])
    assert repr(bad) in str(excinfo.value)


def test_parse_error_shortens_a_huge_entry() -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_allowed_ips(["x" * 10_000])
    assert len(str(excinfo.value)) < 120


def test_parse_refuses_a_bare_string() -> None:
    with pytest.raises(TypeError):
        parse_allowed_ips("10.0.0.1")


def test_no_designated_addresses_means_unrestricted() -> None:
    assert ip_allowed("198.51.100.1", ())
    assert ip_allowed("not even an address", [])


RULES = parse_allowed_ips(["203.0.113.7", "10.1.0.0/16", "2001:db8:aa::/48"])


@pytest.mark.parametrize(
    "address",
    ["203.0.113.7", "10.1.0.0", "10.1.255.255", " 10.1.2.3 ", "2001:db8:aa::1", "2001:DB8:AA:1::5"],
)
def test_addresses_inside_the_designated_networks(address: str) -> None:
    assert ip_allowed(address, RULES)


@pytest.mark.parametrize(
    "address", ["203.0.113.8", "10.2.0.1", "10.0.255.255", "2001:db8:ab::1", "::1", "127.0.0.1"]
)
def test_addresses_outside_are_refused(address: str) -> None:
    assert not ip_allowed(address, RULES)


@pytest.mark.parametrize(
    "address", ["", "garbage", "10.1.2.3:443", "10.1.2", "10.1.2.3/32", "[2001:db8:aa::1]"]
)
def test_unparsable_addresses_are_refused(address: str) -> None:
    assert not ip_allowed(address, RULES)


def test_ipv4_mapped_ipv6_address_matches_ipv4_networks() -> None:
    assert ip_allowed("::ffff:10.1.0.1", RULES)
    assert ip_allowed("::ffff:203.0.113.7", RULES)
    assert not ip_allowed("::ffff:10.2.0.1", RULES)


def test_ipv4_and_ipv6_networks_do_not_mix() -> None:
    assert not ip_allowed("10.0.0.1", parse_allowed_ips(["::/0"]))
    assert not ip_allowed("2001:db8::1", parse_allowed_ips(["0.0.0.0/0"]))

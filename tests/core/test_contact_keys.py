"""The keys that recognise one person across imports, referrals and merges."""

from __future__ import annotations

import pytest

from coffeechat.core.contact_keys import contact_keys, email_key, linkedin_key, name_key


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/jane-doe",
        "http://linkedin.com/in/jane-doe/",
        "linkedin.com/in/Jane-Doe",
        "https://uk.linkedin.com/in/jane-doe?trk=profile#about",
        "  https://WWW.LINKEDIN.COM/in/jane%2Ddoe//  ",
    ],
)
def test_one_profile_written_many_ways_has_one_key(url):
    assert linkedin_key(url) == "in/jane-doe"


@pytest.mark.parametrize(
    "url", ["", "https://example.com/in/jane-doe", "https://notlinkedin.com/in/x", "http://[::1"]
)
def test_other_addresses_have_no_linkedin_key(url):
    assert linkedin_key(url) == ""


def test_emails_compare_without_case_and_need_an_at_sign():
    assert email_key("  Jane.Doe@Example.COM ") == "jane.doe@example.com"
    assert email_key("not an address") == ""


def test_names_compare_without_accents_case_or_spacing():
    assert name_key("José  Núñez") == name_key("jose nunez")


def test_a_contact_has_one_key_of_each_kind_it_can():
    keys = contact_keys(
        "Ada Lovelace", ["ada@example.com", "ADA@example.com", ""], "linkedin.com/in/ada"
    )
    assert keys == {"li:in/ada", "em:ada@example.com", "nm:ada lovelace"}
    assert contact_keys("", [], "") == set()


def test_keys_too_long_to_match_reliably_are_left_out():
    assert contact_keys("x" * 400, [], "") == set()

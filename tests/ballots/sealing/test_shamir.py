"""Shamir's secret sharing over GF(256): any `needed` of the shares join to the secret."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.sealing.shamir import secret_join, secret_split


@settings(max_examples=50, deadline=None)
@given(st.binary(min_size=1, max_size=40), st.integers(min_value=1, max_value=5), st.integers(min_value=0, max_value=3))
def test_every_choice_of_needed_shares_joins_to_the_secret(secret, needed, extra):
    shares = secret_split(secret, shares=needed + extra, needed=needed)
    for chosen in itertools.combinations(shares, needed):
        assert secret_join(list(chosen)) == secret


def test_shares_are_numbered_from_one_and_do_not_show_the_secret():
    secret = bytes(range(32))
    shares = secret_split(secret, shares=3, needed=2)
    assert [number for number, _ in shares] == [1, 2, 3]
    assert all(values != secret for _, values in shares)


def test_repeated_or_out_of_range_share_numbers_are_refused():
    shares = secret_split(b"secret", shares=3, needed=2)
    with pytest.raises(ValueError):
        secret_join([shares[0], shares[0]])
    with pytest.raises(ValueError):
        secret_join([(0, shares[0][1]), shares[1]])
    with pytest.raises(ValueError):
        secret_split(b"x", shares=2, needed=3)

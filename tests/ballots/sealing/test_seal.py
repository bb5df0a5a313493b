"""A sealed vote: one fixed length, opened only by its ballot's key, refused when altered or moved."""

import pytest

from ballots.sealing import SEALED_LENGTH, SealBroken, VoteOpener, ballot_key_generate, public_key_of, vote_seal


def _sealed(private, *, ballot_id=7, ward_id=3, choice="open"):
    return vote_seal(public_key=public_key_of(private), ballot_id=ballot_id, ward_id=ward_id, choice=choice)


def test_a_sealed_vote_opens_to_its_ward_and_choice_with_the_ballots_key():
    private = ballot_key_generate()
    opener = VoteOpener(private_key=private, ballot_id=7)
    assert opener.open(_sealed(private, ward_id=12, choice="reselect")) == (12, "reselect")
    assert opener.open(_sealed(private, ward_id=2**40, choice="open")) == (2**40, "open")


def test_every_sealed_vote_has_the_same_length_whatever_the_choice_or_ward():
    private = ballot_key_generate()
    lengths = {
        len(_sealed(private, ward_id=ward, choice=choice)) for ward in (1, 999999) for choice in ("reselect", "open")
    }
    assert lengths == {SEALED_LENGTH}


def test_another_key_does_not_open_it():
    with pytest.raises(SealBroken):
        VoteOpener(private_key=ballot_key_generate(), ballot_id=7).open(_sealed(ballot_key_generate()))


def test_an_altered_byte_anywhere_stops_it_opening():
    private = ballot_key_generate()
    sealed = _sealed(private)
    opener = VoteOpener(private_key=private, ballot_id=7)
    for index in (0, 31, 32, len(sealed) - 1):
        altered = bytearray(sealed)
        altered[index] ^= 0x01
        with pytest.raises(SealBroken):
            opener.open(bytes(altered))
    with pytest.raises(SealBroken):
        opener.open(sealed[:-1])


def test_a_vote_sealed_for_another_ballot_with_the_same_key_is_refused():
    private = ballot_key_generate()
    with pytest.raises(SealBroken, match="not a vote of this ballot"):
        VoteOpener(private_key=private, ballot_id=8).open(_sealed(private, ballot_id=7))

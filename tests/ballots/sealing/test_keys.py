"""A ballot key's text form: whole or in shares, typed back from paper, and every mistake named."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.sealing import (
    KeyTextError,
    ballot_key_generate,
    key_fingerprint,
    key_recover,
    key_share_texts,
    key_text,
    public_key_of,
)
from ballots.sealing.keys import TEXT_GROUPS

keys = st.binary(min_size=32, max_size=32)


@settings(max_examples=60, deadline=None)
@given(keys)
def test_a_whole_key_reads_back_from_its_text(private):
    assert key_recover([key_text(private)]) == private


@settings(max_examples=40, deadline=None)
@given(keys, st.sampled_from([(0, 1), (0, 2), (1, 2), (2, 0), (2, 1), (1, 0)]))
def test_any_two_of_the_three_shares_recover_the_key(private, pair):
    shares = key_share_texts(private)
    assert key_recover([shares[pair[0]], shares[pair[1]]]) == private
    assert key_recover(shares) == private


def test_the_text_is_fourteen_groups_of_four_from_an_alphabet_without_lookalikes():
    text = key_text(ballot_key_generate())
    groups = text.split("-")
    assert len(groups) == TEXT_GROUPS and all(len(group) == 4 for group in groups)
    assert not set(text) & set("ILOU")


def test_a_key_typed_in_lower_case_without_dashes_or_with_lookalikes_still_reads():
    private = ballot_key_generate()
    text = key_text(private)
    assert key_recover([text.replace("-", "").lower()]) == private
    assert key_recover([text.replace("-", " ").replace("0", "O").replace("1", "l")]) == private
    assert key_recover([text[:34] + "\n" + text[34:]]) == private  # written on two lines


def test_a_key_is_found_in_its_saved_file_among_names_of_four_letter_words():
    private = ballot_key_generate()
    saved = (
        f"Trigger ballot for Mary Rose Kent Hove, Canterbury\nKey: {key_text(private)}\nHeld by: Jane Ward Mike Dean\n"
    )
    assert key_recover([saved]) == private


def test_a_mistyped_group_is_caught_by_the_check():
    text = key_text(ballot_key_generate())
    wrong = ("Y" if text[0] != "Y" else "Z") + text[1:]
    with pytest.raises(KeyTextError, match="mistake"):
        key_recover([wrong])


def test_a_missing_group_is_named():
    text = key_text(ballot_key_generate())
    with pytest.raises(KeyTextError, match="14 groups of four characters, but 13"):
        key_recover([text[:-5]])


def test_one_share_alone_is_not_enough_and_says_how_many_are_needed():
    share = key_share_texts(ballot_key_generate())[1]
    with pytest.raises(KeyTextError, match="Only share 2 was entered: two different shares are needed"):
        key_recover([share])
    with pytest.raises(KeyTextError, match="Only share 2"):
        key_recover([share, share])


def test_a_good_share_and_a_mistyped_one_names_the_mistake_not_the_count():
    shares = key_share_texts(ballot_key_generate())
    wrong = ("Y" if shares[0][5] != "Y" else "Z").join([shares[0][:5], shares[0][6:]])
    with pytest.raises(KeyTextError, match="mistake"):
        key_recover([wrong, shares[1]])


def test_shares_of_two_different_keys_do_not_pass_for_one_key():
    first, second = key_share_texts(ballot_key_generate()), key_share_texts(ballot_key_generate())
    with pytest.raises(KeyTextError, match="Two different share 1s"):
        key_recover([first[0], second[0]])
    # Shares 1 and 2 of different keys join to some key, which is then not the ballot's:
    # the count compares its public half with the ballot's (tests/ballots/officer/test_vote_count.py).
    joined = key_recover([first[0], second[1]])
    assert joined not in {key_recover(first), key_recover(second)}


def test_two_different_whole_keys_are_refused():
    with pytest.raises(KeyTextError, match="Two different keys"):
        key_recover([key_text(ballot_key_generate()), key_text(ballot_key_generate())])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=400), max_size=3))
def test_any_text_gives_a_key_or_a_key_text_error_never_anything_else(texts):
    try:
        key_recover(texts)
    except KeyTextError as error:
        assert str(error)


def test_the_fingerprint_is_short_stable_and_differs_between_keys():
    first, second = public_key_of(ballot_key_generate()), public_key_of(ballot_key_generate())
    assert key_fingerprint(first) == key_fingerprint(first)
    assert len(key_fingerprint(first)) == 9 and key_fingerprint(first) != key_fingerprint(second)

"""A ward's tally is the sum of its channels; the channels stay beside it, read in one query."""

import pytest

from ballots.results.channels import channels_sentence
from ballots.results.selectors import ChannelCounts, ballot_tally

pytestmark = pytest.mark.django_db


def test_a_wards_tally_sums_its_online_paper_and_meeting_counts(ballot):
    barton = next(w for w in ballot_tally(ballot).wards if w.name == "Barton")

    assert (barton.reselect, barton.open, barton.votes) == (37, 25, 62)
    assert barton.by_channel == {
        "online": ChannelCounts(30, 20, 0),
        "paper": ChannelCounts(5, 3, 1),
        "meeting": ChannelCounts(2, 2, 0),
    }
    assert barton.spoilt == 1


def test_a_ward_lists_only_the_channels_it_has_counts_for(ballot):
    northgate = next(w for w in ballot_tally(ballot).wards if w.name == "Northgate")

    assert list(northgate.by_channel) == ["online", "paper"]


def test_the_ballots_totals_by_channel_add_up_every_ward(ballot):
    tally = ballot_tally(ballot)

    assert tally.by_channel == {
        "online": ChannelCounts(43, 45, 0),
        "paper": ChannelCounts(6, 7, 3),
        "meeting": ChannelCounts(2, 2, 0),
    }
    assert tally.votes_cast == 43 + 45 + 6 + 7 + 2 + 2


def test_the_tally_reads_every_channel_in_the_same_four_queries(ballot, django_assert_num_queries):
    # Votes by ward and channel, the roll, the ward names, the affiliates.
    with django_assert_num_queries(4):
        ballot_tally(ballot)


def test_the_sentence_names_each_channel_used_with_thousands_separators():
    assert channels_sentence({"online": 1100, "paper": 120, "meeting": 14}) == (
        "Of the 1,234 members' votes, 1,100 were cast online, 120 by post or on paper and 14 at branch meetings."
    )
    assert channels_sentence({"paper": 1, "meeting": 3}) == (
        "Of the 4 members' votes, 1 was cast by post or on paper and 3 at branch meetings."
    )
    assert channels_sentence({"online": 900, "meeting": 0}) == ""
    assert channels_sentence({}) == ""

"""Results by channel: combined counts for everyone, each ward's channels for its officers only."""

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from ballots.results.exports import CSV_HEADER, OFFICER_CSV_HEADER
from tests.ballots.results.channels.conftest import hybrid_ballot
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

SENTENCE = "Of the 105 members' votes, 88 were cast online, 13 by post or on paper and 4 at branch meetings."


def _get(client, name, ballot, query=""):
    response = client.get(reverse(name, args=[ballot.pk]) + query)
    assert response.status_code == 200
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def _csv(text):
    return list(csv.reader(io.StringIO(text)))


def _branch(data, name):
    return next(b for b in data["branches"] if b["name"] == name)


def test_the_public_json_gives_each_ward_its_combined_counts_and_no_channels(client, ballot):
    text = _get(client, "ballots:results_json", ballot)
    data = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()

    assert (_branch(data, "Barton")["reselect"], _branch(data, "Barton")["open"]) == (37, 25)
    assert (_branch(data, "Northgate")["reselect"], _branch(data, "Northgate")["open"]) == (10, 29)
    assert "by_channel" not in text
    assert data["votes_per_channel"] == {"online": 88, "paper": 13, "meeting": 4}


def test_the_officers_json_gives_the_channels_beside_the_combined_counts(client, ballot):
    client.force_login(OfficerFactory(constituencies=[ballot.constituency]))

    data = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()

    barton = _branch(data, "Barton")
    assert (barton["reselect"], barton["open"]) == (37, 25)
    assert barton["by_channel"] == {
        "online": {"reselect": 30, "open": 20, "spoilt": 0},
        "paper": {"reselect": 5, "open": 3, "spoilt": 1},
        "meeting": {"reselect": 2, "open": 2, "spoilt": 0},
    }
    assert _branch(data, "Tiny")["by_channel"] == {
        "online": {"reselect": 3, "open": 0, "spoilt": 0},
        "paper": {"reselect": 1, "open": 0, "spoilt": 0},
    }
    assert data["by_channel"]["paper"] == {"reselect": 6, "open": 7, "spoilt": 3}


def test_an_officer_of_another_constituency_gets_no_channels(client, ballot):
    client.force_login(OfficerFactory(username="elsewhere"))

    assert "by_channel" not in _get(client, "ballots:results_json", ballot)
    assert "Votes by channel" not in _get(client, "ballots:results", ballot)


def test_a_small_wards_counts_are_withheld_and_its_channels_appear_nowhere_public(client, ballot):
    data = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()
    page = _get(client, "ballots:results", ballot)
    rows = _csv(_get(client, "ballots:results_csv", ballot))

    tiny = _branch(data, "Tiny")
    assert (tiny["reselect"], tiny["open"], tiny["withheld"]) == (None, None, True)
    assert set(tiny) == {
        "name", "reselect", "open", "withheld", "result", "weight", "votes_cast", "eligible", "voted", "turnout",
    }  # fmt: skip
    assert "Votes by channel" not in page and "Spoilt papers" not in page
    assert rows[0] == CSV_HEADER
    tiny_row = next(row for row in rows if row[1] == "Tiny")
    assert tiny_row[3:6] == ["", "", ""] and len(tiny_row) == len(CSV_HEADER)


def test_the_officers_preview_of_the_public_page_shows_no_channels_either(client, ballot):
    client.force_login(OfficerFactory(constituencies=[ballot.constituency]))

    assert "by_channel" not in _get(client, "ballots:results_json", ballot, "?view=public")
    assert "Votes by channel" not in _get(client, "ballots:results", ballot, "?view=public")
    assert _csv(_get(client, "ballots:results_csv", ballot, "?view=public"))[0] == CSV_HEADER


def test_the_officers_page_has_a_column_for_each_channel_in_each_ward(client, ballot):
    client.force_login(OfficerFactory(constituencies=[ballot.constituency]))

    page = _get(client, "ballots:results", ballot)

    table = page[page.index('class="results-table channels-table"') :]
    table = table[: table.index("</table>")]
    assert [re.sub(r"<[^>]+>", "", h) for h in re.findall(r'<th scope="colgroup"[^>]*>(.*?)</th>', table)] == [
        "Online",
        "By post or on paper",
        "At a branch meeting",
    ]
    barton = re.search(r'<th scope="row">Barton</th>(.*?)</tr>', table, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", barton)
    assert cells == ["30", "20", "5", "3", "2", "2", "1", "62"]
    tiny = re.search(r'<th scope="row">Tiny</th>(.*?)</tr>', table, re.S).group(1)
    assert re.findall(r"<td[^>]*>(.*?)</td>", tiny) == ["3", "0", "1", "0", "0", "0", "0", "4"]


def test_the_explanation_says_how_many_votes_came_by_each_channel(client, ballot):
    page = _get(client, "ballots:results", ballot)
    data = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()

    assert html.escape(SENTENCE) in page
    assert data["explanation"].endswith(SENTENCE)


def test_a_ballot_voted_only_online_says_nothing_about_channels(client, constituency):
    ballot = hybrid_ballot(constituency, paper=())

    page = _get(client, "ballots:results", ballot)

    assert html.escape("members' votes") not in page and "cast online" not in page
    assert client.get(reverse("ballots:results_json", args=[ballot.pk])).json()["votes_per_channel"] == {"online": 88}


def test_a_one_ward_ballot_below_the_threshold_keeps_its_channels_from_the_public(client, constituency):
    ballot = hybrid_ballot(constituency, online=(("Tiny", 3, 0, 9),), paper=(("Tiny", "paper", 1, 0, 0),))

    public = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()
    client.force_login(OfficerFactory(constituencies=[constituency]))
    officers = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()

    assert public["votes_per_channel"] is None
    assert "members' votes" not in public["explanation"]
    assert officers["votes_per_channel"] == {"online": 3, "paper": 1}
    assert officers["explanation"].endswith("Of the 4 members' votes, 3 were cast online and 1 by post or on paper.")


def test_the_officers_csv_adds_every_channels_columns_and_the_public_csv_does_not(client, ballot):
    public = _csv(_get(client, "ballots:results_csv", ballot))
    client.force_login(OfficerFactory(constituencies=[ballot.constituency]))
    officers = _csv(_get(client, "ballots:results_csv", ballot))

    assert public[0] == CSV_HEADER
    assert officers[0] == OFFICER_CSV_HEADER
    assert officers[0][len(CSV_HEADER) :] == [
        "online_reselect", "online_open", "online_spoilt",
        "paper_reselect", "paper_open", "paper_spoilt",
        "meeting_reselect", "meeting_open", "meeting_spoilt",
    ]  # fmt: skip
    barton = next(row for row in officers if row[1] == "Barton")
    assert barton[3:5] == ["37", "25"]
    assert barton[len(CSV_HEADER) :] == ["30", "20", "0", "5", "3", "1", "2", "2", "0"]
    total = next(row for row in officers if row[0] == "members_total")
    assert total[len(CSV_HEADER) :] == ["43", "45", "0", "6", "7", "3", "2", "2", "0"]
    assert all(len(row) == len(OFFICER_CSV_HEADER) for row in officers)


@pytest.mark.parametrize("extra_wards", [0, 30])
def test_the_officers_page_with_channels_runs_the_same_queries_for_few_wards_or_many(
    client, constituency, django_assert_num_queries, extra_wards
):
    online = [*((f"Ward {n:02d}", 3, 2, 9) for n in range(extra_wards)), ("Barton", 30, 20, 90)]
    paper = [*((f"Ward {n:02d}", "paper", 1, 1, 0) for n in range(extra_wards)), ("Barton", "meeting", 2, 2, 0)]
    ballot = hybrid_ballot(constituency, online=online, paper=paper)
    client.force_login(OfficerFactory(constituencies=[constituency]))
    _get(client, "ballots:results", ballot)  # warm the session

    # The ballot, votes by ward and channel, roll, ward names, affiliates; the session, the user, the
    # user's permissions (two) and the constituency check: as tests/ballots/results/test_queries.py.
    with django_assert_num_queries(10):
        _get(client, "ballots:results", ballot)

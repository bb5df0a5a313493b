"""Small wards: counts below the disclosure threshold are withheld from the public, never from officers."""

import csv
import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.results.disclosure import withheld_ward_ids
from ballots.results.selectors import WardTally
from tests.factories import make_ballot_with_votes

# Totals 493 reselect and 640 open: distinctive numbers that must not leak when Eastry is withheld.
WARDS = (("Barton", 331, 217, 600), ("Northgate", 158, 420, 700), ("Eastry", 4, 3, 20), ("Wincheap", 0, 0, 5))


@pytest.fixture
def ballot(constituency):
    return make_ballot_with_votes(constituency=constituency, wards=WARDS)


def _row(html, ward):
    match = re.search(r"<tr[^>]*>\s*<th scope=\"row\">" + ward + r"</th>(.*?)</tr>", html, re.S)
    assert match, ward
    return match.group(1)


def _cells(html_row):
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", html_row, re.S)]


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_public_page_withholds_a_small_wards_counts_and_says_why(client, ballot):
    html = client.get(reverse("ballots:results", args=[ballot.pk])).content.decode()
    cells = _cells(_row(html, "Eastry"))
    assert cells[0].startswith("withheld")
    assert cells[1] == "Reselect"  # the branch's result still shows
    assert "4" not in cells[:1] and "3" not in cells[:1]
    assert "fewer than 10 members voted" in html
    # The member totals would give the small ward away by subtraction.
    assert "493" not in html and "640" not in html
    assert _cells(_row(html, "Barton"))[:2] == ["331", "217"]


def test_the_public_json_withholds_the_counts_and_the_totals(client, ballot):
    response = client.get(reverse("ballots:results_json", args=[ballot.pk]))
    data = response.json()
    eastry = next(b for b in data["branches"] if b["name"] == "Eastry")
    assert eastry["reselect"] is None and eastry["open"] is None and eastry["withheld"] is True
    assert eastry["result"] == "reselect"
    assert data["member_votes"] == {"cast": 1133, "reselect": None, "open": None}
    members = next(s for s in data["sections"] if s["name"] == "members")
    assert members["votes"] is None
    assert data["disclosure"]["withheld"] == ["Eastry"]
    text = json.dumps(data)
    # As whole numbers: a timestamp's microseconds may hold the same digits.
    assert not re.search(r"(?<!\d)(493|640)(?!\d)", text)


def test_the_public_csv_withholds_the_counts_and_the_totals(client, ballot):
    rows = _csv(client.get(reverse("ballots:results_csv", args=[ballot.pk])))
    eastry = next(r for r in rows if r["name"] == "Eastry")
    assert (eastry["reselect"], eastry["open"], eastry["withheld"]) == ("", "", "yes")
    assert eastry["result_or_vote"] == "reselect"
    total = next(r for r in rows if r["section"] == "members_total")
    assert (total["reselect"], total["open"], total["votes_cast"]) == ("", "", "1133")
    assert not any(re.search(r"(?<!\d)(493|640)(?!\d)", value) for row in rows for value in row.values())


def test_officers_see_every_count_and_the_totals(officer_client, ballot):
    html = officer_client.get(reverse("ballots:results", args=[ballot.pk])).content.decode()
    assert _cells(_row(html, "Eastry"))[:2] == ["4", "3"]
    assert "493" in html and "640" in html
    data = officer_client.get(reverse("ballots:results_json", args=[ballot.pk])).json()
    eastry = next(b for b in data["branches"] if b["name"] == "Eastry")
    assert (eastry["reselect"], eastry["open"]) == (4, 3)
    assert data["member_votes"] == {"cast": 1133, "reselect": 493, "open": 640}
    rows = _csv(officer_client.get(reverse("ballots:results_csv", args=[ballot.pk])))
    assert next(r for r in rows if r["name"] == "Eastry")["reselect"] == "4"


def test_officers_can_preview_the_public_page(officer_client, ballot):
    html = officer_client.get(reverse("ballots:results", args=[ballot.pk]) + "?view=public").content.decode()
    assert _cells(_row(html, "Eastry"))[0].startswith("withheld")
    data = officer_client.get(reverse("ballots:results_json", args=[ballot.pk]) + "?view=public").json()
    assert data["member_votes"]["reselect"] is None


def test_a_ward_with_exactly_the_threshold_is_shown_and_one_below_is_withheld(client, constituency):
    ballot = make_ballot_with_votes(
        constituency=constituency,
        wards=(("Barton", 6, 4, 20), ("Northgate", 5, 4, 20), ("Westgate", 40, 30, 90)),
    )
    data = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()
    branches = {b["name"]: b for b in data["branches"]}
    assert (branches["Barton"]["reselect"], branches["Barton"]["open"]) == (6, 4)
    assert branches["Northgate"]["reselect"] is None and branches["Northgate"]["withheld"] is True
    assert data["disclosure"]["threshold"] == 10


def test_the_threshold_is_a_setting(client, constituency, settings):
    settings.RESULTS_DISCLOSURE_THRESHOLD = 100
    ballot = make_ballot_with_votes(constituency=constituency, wards=WARDS)
    data = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()
    assert {b["name"] for b in data["branches"] if b["withheld"]} == {"Eastry"}
    settings.RESULTS_DISCLOSURE_THRESHOLD = 560
    data = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()
    assert {b["name"] for b in data["branches"] if b["withheld"]} == {"Eastry", "Barton"}


def test_a_ward_where_nobody_voted_has_nothing_to_withhold(client, ballot):
    data = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()
    wincheap = next(b for b in data["branches"] if b["name"] == "Wincheap")
    assert (wincheap["reselect"], wincheap["open"], wincheap["withheld"]) == (0, 0, False)


def test_with_pooled_member_votes_a_lone_small_ward_is_withheld_with_the_next_smallest(client, constituency):
    # Under member_counting=individual the open share gives away the pooled totals, so a single
    # withheld ward could be recovered by subtraction: the next smallest ward is withheld as well.
    ballot = make_ballot_with_votes(constituency=constituency, wards=WARDS, member_counting="individual")
    data = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()
    withheld = {b["name"]: b for b in data["branches"] if b["withheld"]}
    assert set(withheld) == {"Eastry", "Barton"}
    assert all(b["reselect"] is None and b["weight"] is None for b in withheld.values())
    members_contributions = [c for c in data["contributions"] if c["section"] == "members"]
    assert {c["name"] for c in members_contributions} == {"Northgate", "Wincheap"}
    html = client.get(reverse("ballots:results", args=[ballot.pk])).content.decode()
    assert _cells(_row(html, "Barton"))[0].startswith("withheld")
    assert ">331<" not in html and ">217<" not in html


def test_the_smallest_flip_never_names_a_withheld_wards_votes_in_public(officer_client, constituency):
    # Eastry (4-3) is one vote from tied: the flip would give its margin away.
    ballot = make_ballot_with_votes(
        constituency=constituency,
        wards=(("Barton", 30, 29, 60), ("Eastry", 4, 3, 9)),
        affiliates=(("Unite", "trade_union", "reselect", 10), ("GMB", "trade_union", "open", 10)),
    )
    public = Client().get(reverse("ballots:results_json", args=[ballot.pk])).json()
    assert "Eastry" not in (public["smallest_flip"] or "")
    assert (
        "Eastry"
        not in Client()
        .get(reverse("ballots:results", args=[ballot.pk]))
        .content.decode()
        .split("Member votes and turnout")[0]
    )
    officer = officer_client.get(reverse("ballots:results_json", args=[ballot.pk])).json()
    assert "1 in Eastry" in officer["smallest_flip"]


# Issue: "a tied withheld ward reveals its counts (4 votes, tied: 2-2); '2 votes, result
# Reselect' reveals 2-0." The votes cast and turnout of a withheld ward are withheld with its
# counts, and more wards are withheld until the totals fit another split of each.


def test_a_small_tied_ward_gives_no_count_away_through_its_votes_cast_or_the_totals(client, constituency):
    ballot = make_ballot_with_votes(
        constituency=constituency, wards=(("Barton", 331, 217, 600), ("Northgate", 158, 420, 700), ("Tiny", 2, 2, 6))
    )

    data = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()

    tiny = next(b for b in data["branches"] if b["name"] == "Tiny")
    assert tiny["result"] == "tied"
    assert (tiny["reselect"], tiny["open"], tiny["votes_cast"], tiny["voted"], tiny["turnout"]) == (None,) * 5
    # A tie cannot move by one vote, so the totals alone would give Tiny's votes cast (and so
    # 2-2): the next smallest ward is withheld with it.
    assert data["disclosure"]["withheld"] == ["Barton", "Tiny"]
    assert "the next smallest ward is withheld as well" in data["disclosure"]["note"]
    html = client.get(reverse("ballots:results", args=[ballot.pk])).content.decode()
    assert _cells(_row(html, "Tiny")) == [
        "withheld: fewer than 10 votes",
        "Tied",
        "0.000%",
        "withheld",
        "6",
        "withheld",
    ]


def test_a_small_unanimous_ward_shows_its_result_but_not_its_votes_cast(client, constituency):
    ballot = make_ballot_with_votes(
        constituency=constituency, wards=(("Barton", 331, 217, 600), ("Northgate", 158, 420, 700), ("Two", 2, 0, 5))
    )

    rows = _csv(client.get(reverse("ballots:results_csv", args=[ballot.pk])))

    two = next(r for r in rows if r["name"] == "Two")
    assert (two["reselect"], two["open"], two["votes_cast"], two["turnout_percent"]) == ("", "", "", "")
    assert two["result_or_vote"] == "reselect"
    # 2-0 or 1-0 (or 3-0 with another vote from Barton): what is published fits more than one.
    assert {r["name"] for r in rows if r["withheld"] == "yes"} == {"Two", "Barton", "All wards"}


def test_a_small_ward_whose_split_can_move_within_itself_needs_no_partner(client, constituency):
    # 4-3: with its votes cast known from the totals, 5-2, 6-1 and 7-0 fit as well.
    ballot = make_ballot_with_votes(constituency=constituency, wards=WARDS)
    data = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()
    assert data["disclosure"]["withheld"] == ["Eastry"]


# Small wards (a threshold of 4), so the brute force below stays quick.
wards_strategy = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 2)), min_size=1, max_size=5)


def splits_fitting(ward):
    """Every (reselect, open) its published result and roll allow."""
    return [
        (r, o) for r in range(ward.eligible + 1) for o in range(ward.eligible + 1 - r) if result_of(r, o) == ward.result
    ]


def result_of(r, o):
    return "reselect" if r > o else "open" if o > r else "tied" if r else "none"


@settings(max_examples=300, deadline=None)
@given(wards=wards_strategy, pooled=st.booleans())
def test_every_withheld_ward_has_another_split_that_fits_what_is_published(wards, pooled):
    tallies = [
        WardTally(ward_id=i, name=f"W{i}", reselect=r, open=o, eligible=r + o + spare, voted=r + o)
        for i, (r, o, spare) in enumerate(wards)
    ]
    withheld_ids = withheld_ward_ids(tallies, threshold=4, individual=pooled)
    withheld = [w for w in tallies if w.ward_id in withheld_ids]

    # Every small ward with votes is withheld.
    assert {w.ward_id for w in tallies if 0 < w.votes < 4} <= withheld_ids
    # Published of the withheld wards: each result and roll; their votes cast together; if
    # pooled, each side together. Brute force every split of each ward that others complete.
    target = (sum(w.reselect for w in withheld), sum(w.open for w in withheld))
    every_ward_with_votes = all(w.ward_id in withheld_ids for w in tallies if w.votes)
    for i, ward in enumerate(withheld):
        others = {(0, 0)}
        for other in withheld[:i] + withheld[i + 1 :]:
            others = {(r + a, o + b) for r, o in others for a, b in splits_fitting(other)}
        own = splits_fitting(ward)
        fitting = {
            (r, o)
            for r, o in own
            for a, b in others
            if ((r + a, o + b) == target if pooled else r + a + o + b == sum(target))
        }
        if len(own) == 1 or every_ward_with_votes:
            continue  # told by its result alone, or nothing more could be withheld to hide it
        assert len(fitting) >= 2, (ward, withheld)

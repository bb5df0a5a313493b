"""Small wards: counts below the disclosure threshold are withheld from the public, never from officers."""

import csv
import io
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

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

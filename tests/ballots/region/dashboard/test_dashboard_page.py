"""The region dashboard: a row per ballot of the region, its figures, and nothing of a vote before declaration."""

import html
import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from ballots.models import TriggerBallot
from ballots.region.dashboard import dashboard_rows, region_ballots
from ballots.region.dashboard_tables import DashboardTable


def _rows(region):
    return {row.constituency: row for row in dashboard_rows(region_ballots(region))}


def test_a_draft_counts_the_members_and_affiliates_it_would_have_if_it_opened_now(kent):
    region, _round, _ballots = kent
    draft = _rows(region)["Kent 00"]
    assert draft.status == "draft"
    assert draft.roll == 3 and draft.roll_is_preview
    assert draft.codes_delivered is None and draft.voted is None and draft.turnout is None
    assert draft.affiliates_eligible == 1 and draft.affiliates_recorded is None
    assert draft.outcome == "" and draft.open_share_pc == ""


def test_an_open_ballot_shows_its_frozen_roll_codes_delivered_and_turnout_but_no_outcome(kent):
    region, _round, _ballots = kent
    row = _rows(region)["Kent 01"]
    assert row.status == "open"
    assert (row.roll, row.codes_delivered, row.voted) == (100, 70, 85)
    assert row.turnout_pc == "85.0%"
    assert (row.affiliates_recorded, row.affiliates_eligible) == (1, 2)
    assert row.outcome == "" and row.open_share is None


def test_a_closed_ballot_already_counted_still_shows_no_outcome(kent):
    region, _round, ballots = kent
    assert ballots[3].counted_at is not None
    row = _rows(region)["Kent 03"]
    assert row.status == "closed" and row.outcome == "" and row.open_share_pc == ""


def test_a_declared_ballot_shows_its_outcome_and_open_share(kent):
    region, _round, _ballots = kent
    row = _rows(region)["Kent 02"]
    assert row.status == "declared"
    assert row.outcome in ("Reselected", "Open selection")
    assert row.open_share is not None and row.open_share_pc.endswith("%")


def test_an_open_ballot_past_its_closing_time_shows_as_closed(kent):
    region, _round, ballots = kent
    from django.utils import timezone

    TriggerBallot.objects.filter(pk=ballots[1].pk).update(closes_at=timezone.now())
    assert _rows(region)["Kent 01"].status == "closed"


def test_the_page_shows_every_column_and_value(regional_client, kent):
    region, round_, ballots = kent
    response = regional_client.get(reverse("ballots:region_dashboard", args=[region.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for header in (
        "Constituency",
        "Status",
        "Members on the roll",
        "Codes delivered",
        "Turnout so far",
        "Affiliates recorded",
        "Voting closes (UK time)",
        "Outcome",
        "Open share",
    ):
        assert f">{header}<" in html
    assert "3 if it opened now" in html
    assert "85 (85.0%)" in html
    assert "1 of 2" in html
    assert "1 eligible (not open)" in html
    for ballot in ballots:
        assert reverse("ballots:ballot_manage", args=[ballot.pk]) in html
    # The closing time in UK time with its zone named (GMT or BST).
    assert " GMT<" in html or " BST<" in html


def test_the_page_links_each_round_to_its_forecast_overview_and_the_upload(regional_client, kent):
    region, round_, _ballots = kent
    html = regional_client.get(reverse("ballots:region_dashboard", args=[region.pk])).content.decode()
    assert reverse("ballots:round_forecast", args=[round_.pk]) in html
    assert reverse("ballots:round_overview", args=[round_.pk]) in html
    assert reverse("ballots:round_upload", args=[region.pk]) in html
    assert round_.name in html


def test_no_outcome_words_appear_in_the_table_before_declaration(regional_client, kent):
    region, _round, ballots = kent
    TriggerBallot.objects.filter(pk=ballots[2].pk).update(status=TriggerBallot.Status.CLOSED)
    response = regional_client.get(reverse("ballots:region_dashboard", args=[region.pk]))
    table = response.content.decode().split("<table", 2)[2].split("</table>")[0]
    assert "Reselected" not in table and "Open selection" not in table
    assert "Not declared" in table


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "draft"}, ["Kent 00"]),
        ({"status": "open"}, ["Kent 01"]),
        ({"status": "declared"}, ["Kent 02"]),
        ({"status": "closed"}, ["Kent 03"]),
        ({"q": "kent 01"}, ["Kent 01"]),
        ({"q": "nowhere"}, []),
    ],
)
def test_the_table_filters_by_status_and_constituency(regional_client, kent, query, expected):
    region, _round, _ballots = kent
    response = regional_client.get(reverse("ballots:region_dashboard", args=[region.pk]), query)
    assert sorted(row.constituency for row in response.context["table"].data.data) == expected


def test_the_table_filters_by_round(regional_client, kent):
    region, round_, ballots = kent
    from tests.factories import RoundFactory

    other = RoundFactory(region=region, name="Autumn")
    TriggerBallot.objects.filter(pk=ballots[0].pk).update(round=other)
    url = reverse("ballots:region_dashboard", args=[region.pk])
    shown = regional_client.get(url, {"round": other.pk}).context["table"].data.data
    assert [row.constituency for row in shown] == ["Kent 00"]
    assert len(regional_client.get(url, {"round": round_.pk}).context["table"].data.data) == 3


def test_a_bad_filter_is_a_form_error_not_a_failure(regional_client, kent):
    region, _round, _ballots = kent
    response = regional_client.get(
        reverse("ballots:region_dashboard", args=[region.pk]), {"round": "x", "status": "nonsense", "sort": "bogus"}
    )
    assert response.status_code == 200
    assert response.context["filter"].form.errors


def test_the_table_sorts_by_turnout_and_by_roll(regional_client, kent):
    region, _round, ballots = kent
    from ballots.models import RollEntry

    RollEntry.objects.filter(ballot=ballots[3], has_voted=True).update(has_voted=False)
    five = RollEntry.objects.filter(ballot=ballots[1], has_voted=True).values_list("pk", flat=True)[:5]
    RollEntry.objects.filter(pk__in=list(five)).update(has_voted=False)
    url = reverse("ballots:region_dashboard", args=[region.pk])
    by_turnout = regional_client.get(url, {"sort": "-turnout"}).context["table"].data.data
    assert [row.constituency for row in by_turnout] == ["Kent 02", "Kent 01", "Kent 03", "Kent 00"]
    by_roll = regional_client.get(url, {"sort": "roll"}).context["table"].data.data
    assert by_roll[0].constituency == "Kent 00"


def test_a_ballot_of_another_region_is_not_shown(regional_client, kent):
    from tests.factories import ConstituencyFactory, RegionFactory, TriggerBallotFactory

    region, _round, _ballots = kent
    TriggerBallotFactory(constituency=ConstituencyFactory(name="Essex 00", region=RegionFactory(name="Essex")))
    html = regional_client.get(reverse("ballots:region_dashboard", args=[region.pk])).content.decode()
    assert "Essex 00" not in html


def _cell_texts(html_text):
    """Each cell's text, row by row, as a reader sees it (tags dropped, spaces joined)."""
    return [
        [
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td>(.*?)</td>", tr, re.S)
        ]
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", html_text, re.S)
    ]


def test_the_table_body_written_out_shows_what_django_tables2_would_render_in_each_column(regional_client, kent):
    region, _round, _ballots = kent
    page = regional_client.get(reverse("ballots:region_dashboard", args=[region.pk])).content.decode()
    body = re.findall(r"<tbody.*?</tbody>", page, re.S)[-1]
    table = DashboardTable(dashboard_rows(region_ballots(region)), order_by=("constituency",))
    expected = [[" ".join(strip_tags(str(cell)).split()) for _column, cell in row.items()] for row in table.rows]
    assert _cell_texts(body) == [[html.unescape(text) for text in row] for row in expected]
    assert len(expected) == 4 and len(expected[0]) == len(table.columns) == 10

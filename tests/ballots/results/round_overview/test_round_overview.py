"""The public overview of a round: declared results only, the same figures as each result page, constant queries."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from ballots.models import TriggerBallot
from tests.factories import ConstituencyFactory, RegionFactory, RoundFactory, make_ballot_with_votes

pytestmark = pytest.mark.django_db

ALL_OPEN = (("Barton", 0, 20, 30), ("Northgate", 1, 25, 40))
ALL_RESELECT = (("Barton", 30, 0, 40), ("Northgate", 25, 1, 40))


def _ballot(round_, name, *, wards=ALL_OPEN, vote="open", status=TriggerBallot.Status.DECLARED, **fields):
    constituency = ConstituencyFactory(name=name, region=round_.region)
    ballot = make_ballot_with_votes(
        constituency=constituency,
        wards=wards,
        affiliates=(("Unite", "trade_union", vote, 100),),
        status=status,
        **fields,
    )
    TriggerBallot.objects.filter(pk=ballot.pk).update(round=round_)
    ballot.refresh_from_db()
    return ballot


@pytest.fixture
def round_():
    return RoundFactory(region=RegionFactory(name="South East"), name="Spring round")


def _json(client, round_):
    response = client.get(reverse("ballots:round_overview_json", args=[round_.pk]))
    assert response.status_code == 200
    return response.json()


def _csv(client, round_):
    response = client.get(reverse("ballots:round_overview_csv", args=[round_.pk]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_declared_ballot_shows_its_outcome_open_share_and_turnout(client, round_):
    _ballot(round_, "Dover")
    _ballot(round_, "Ashford", wards=ALL_RESELECT, vote="reselect")
    data = _json(client, round_)
    assert data["summary"] == {"ballots": 2, "declared": 2, "reselected": 1, "open_selections": 1}
    ashford, dover = data["ballots"]
    assert (ashford["constituency"], ashford["outcome"], ashford["open_share_exact"]) == ("Ashford", "reselected", "0")
    assert (dover["outcome"], dover["open_share_exact"], dover["open_share"]) == ("open_selection", "1", 100)
    # Turnout is of the whole roll: 46 of 70 voted in Dover.
    assert (dover["voted"], dover["eligible"], dover["turnout"]) == (46, 70, pytest.approx(4600 / 70))
    assert dover["results_url"].endswith(reverse("ballots:results", args=[TriggerBallot.objects.get(
        constituency__name="Dover").pk]))  # fmt: skip


def test_the_overview_agrees_with_each_ballots_own_result(client, round_):
    mixed = (("Barton", 30, 20, 60), ("Northgate", 10, 25, 40), ("Westgate", 7, 7, 20))
    ballot = _ballot(round_, "Canterbury", wards=mixed, vote="reselect")
    own = client.get(reverse("ballots:results_json", args=[ballot.pk])).json()
    (row,) = _json(client, round_)["ballots"]
    assert row["open_share_exact"] == own["open_share_exact"]
    assert row["outcome"] == own["outcome"]
    assert (row["voted"], row["eligible"]) == (own["turnout"]["voted"], own["turnout"]["eligible"])


@pytest.mark.parametrize("status", [TriggerBallot.Status.DRAFT, TriggerBallot.Status.OPEN, TriggerBallot.Status.CLOSED])
def test_a_ballot_not_yet_declared_shows_nothing_but_that(client, round_, status):
    fields = {"closes_at": timezone.now() + timezone.timedelta(days=3)} if status != TriggerBallot.Status.CLOSED else {}
    _ballot(round_, "Folkestone", status=status, **fields)
    (row,) = _json(client, round_)["ballots"]
    assert row == {"constituency": "Folkestone", "sitting_mp": row["sitting_mp"], "declared": False, "voided": False}
    page = client.get(reverse("ballots:round_overview", args=[round_.pk])).content.decode()
    assert "Not yet declared" in page
    assert "46 of 70" not in page and "100.000%" not in page and "65.7%" not in page
    (line,) = _csv(client, round_)
    assert line["declared"] == "no" and line["outcome"] == "" and line["voted"] == "" and line["turnout_percent"] == ""


def test_a_voided_ballot_says_its_result_does_not_stand_and_shows_no_figure(client, round_):
    _ballot(round_, "Hythe", voided_at=timezone.now(), void_reason="Wrong roll")
    (row,) = _json(client, round_)["ballots"]
    assert row["voided"] is True and row["declared"] is False and "outcome" not in row
    assert (
        "its result does not stand" in client.get(reverse("ballots:round_overview", args=[round_.pk])).content.decode()
    )


def test_a_round_with_nothing_declared_answers_with_a_plain_sentence(client, round_):
    _ballot(round_, "Folkestone", status=TriggerBallot.Status.CLOSED)
    response = client.get(reverse("ballots:round_overview", args=[round_.pk]))
    assert response.status_code == 200
    assert "no result of this round has been declared yet" in response.content.decode()


def test_an_unknown_round_is_the_sites_404(client):
    for name in ("ballots:round_overview", "ballots:round_overview_json", "ballots:round_overview_csv"):
        assert client.get(reverse(name, args=[987654])).status_code == 404


def test_the_csv_has_one_row_a_constituency_with_exact_percentages(client, round_):
    _ballot(round_, "Dover")
    (line,) = _csv(client, round_)
    assert line["constituency"] == "Dover"
    assert (line["outcome"], line["open_share_percent"], line["threshold_percent"]) == (
        "open_selection",
        "100.000",
        "50.000",
    )
    assert (line["voted"], line["eligible"]) == ("46", "70")


def test_the_page_has_a_chart_with_its_figures_in_words(client, round_):
    _ballot(round_, "Dover")
    _ballot(round_, "Ashford", wards=ALL_RESELECT, vote="reselect")
    page = client.get(reverse("ballots:round_overview", args=[round_.pk])).content.decode()
    assert page.count("<svg") == 2
    assert "2 of 2 ballots declared: 1 reselected, 1 open selection." in page


def test_a_declared_result_page_links_the_overview_of_its_round(client, round_):
    ballot = _ballot(round_, "Dover")
    page = client.get(reverse("ballots:results", args=[ballot.pk])).content.decode()
    assert reverse("ballots:round_overview", args=[round_.pk]) in page
    assert "Every result of the round “Spring round”" in page


def test_a_result_outside_any_round_has_no_such_link(client):
    ballot = make_ballot_with_votes()
    assert "Every result of the round" not in client.get(reverse("ballots:results", args=[ballot.pk])).content.decode()


@pytest.mark.parametrize(
    "name", ["ballots:round_overview", "ballots:round_overview_json", "ballots:round_overview_csv"]
)
def test_the_overview_makes_the_same_number_of_queries_for_2_or_12_ballots(client, django_assert_num_queries, name):
    counts = []
    for size in (2, 12):
        round_ = RoundFactory(name=f"Round of {size}")
        for i in range(size):
            _ballot(round_, f"Seat {size}-{i:02d}", status=TriggerBallot.Status.DECLARED if i % 3 else "open",
                    **({} if i % 3 else {"closes_at": timezone.now() + timezone.timedelta(days=2)}))  # fmt: skip
        # The round with its region; its ballots listed, then the declared ones whole; their votes,
        # ward names and affiliates; their turnout.
        with django_assert_num_queries(7):
            response = client.get(reverse(name, args=[round_.pk]))
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        counts.append(response.status_code)
    assert counts == [200, 200]

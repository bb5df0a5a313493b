"""The simulator pages without JavaScript: the what-if page recounts, adds and removes rows,
puts engine errors next to the offending row, downloads and re-uploads its scenario JSON,
and loads a ballot only for the ballot's officers (real tallies only after the close); the
forecast page runs a forecast with intervals, a histogram and pivotal frequencies, and
starts from a draft ballot's roll for its officers.
"""

import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from ballots import counting
from ballots.models import AffiliateVote, RollEntry, TriggerBallot, WardVoteCount
from members.models import Member
from tests.factories import AffiliateFactory, MemberFactory, OfficerFactory, TriggerBallotFactory

WHATIF = reverse("ballots:simulator")
FORECAST = reverse("ballots:simulator_forecast")

RULES_EXAMPLE_BRANCHES = [("A", 30, 20, ""), ("B", 10, 25, ""), ("C", 12, 12, ""), ("D", 0, 0, "")]
RULES_EXAMPLE_AFFILIATES = [
    ("U1", "reselect", None),
    ("U2", "open", None),
    ("U3", "open", None),
    ("U4", "abstain", None),
]


def formset(prefix, rows, fields):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "60",
    }
    for i, row in enumerate(rows):
        for field, value in zip(fields, row, strict=True):
            if value is not None:
                data[f"{prefix}-{i}-{field}"] = value
    return data


def whatif_post(
    branches=RULES_EXAMPLE_BRANCHES,
    affiliates=RULES_EXAMPLE_AFFILIATES,
    action="recount",
    rules="labour-2021",
    tied_branch="exclude",
    member_counting="branch",
    **extra,
):
    data = {
        "s-rules": rules,
        "s-member_counting": member_counting,
        "s-affiliate_counting": "unit",
        "s-tied_branch": tied_branch,
        "action": action,
    }
    data.update(formset("b", branches, ("name", "reselect", "open", "outcome")))
    data.update(formset("a", affiliates, ("name", "vote", "members")))
    data.update(extra)
    return data


def forecast_post(branches, affiliates, trials="2000", seed="7", action="run"):
    data = {
        "s-rules": "labour-2021",
        "s-member_counting": "branch",
        "s-affiliate_counting": "unit",
        "s-tied_branch": "exclude",
        "s-trials": trials,
        "s-seed": seed,
        "action": action,
    }
    data.update(formset("b", branches, ("name", "members", "turnout", "turnout_sd", "support", "support_sd")))
    data.update(formset("a", affiliates, ("name", "p_reselect", "p_open", "p_abstain", "members")))
    return data


# ------------------------------------------------------------------------ what-if


def test_the_what_if_page_is_public_and_starts_from_the_demo(client, db):
    response = client.get(WHATIF)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Every rule set and tie option" in page
    assert "The smallest change:" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "Barton" in page  # the built-in Canterbury-like demo


def test_an_empty_start_gives_one_blank_ward_and_affiliate(client, db):
    page = client.get(WHATIF + "?start=empty").content.decode()
    assert 'value="Ward 1"' in page and 'value="Affiliate 1"' in page


def test_recount_shows_every_rule_set_and_tie_option_with_the_explanation_and_flip(client, db):
    response = client.post(WHATIF, whatif_post(tied_branch="reselect"))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"The MP is reselected under {counting.get_rule_set('labour-2021').title}" in page
    assert "exactly 50%, not more" in page
    expected_rows = sum(4 if rs.option("tied_branch") else 1 for rs in counting.RULE_SETS.values())
    assert len(response.context["comparison"]) == expected_rows
    assert [row["selected"] for row in response.context["comparison"]].count(True) == 1
    assert "if 1 member had voted the other way: 1 in C" in page


def test_add_rows_keeps_what_was_typed_and_adds_blank_rows(client, db):
    response = client.post(WHATIF, whatif_post(action="add_branches", add_branches_count="5"))
    branches = response.context["branches"]
    assert len(branches.forms) == 9
    assert branches.forms[0]["name"].value() == "A"
    assert str(branches.forms[0]["reselect"].value()) == "30"
    assert not branches.forms[8]["name"].value()
    response = client.post(WHATIF, whatif_post(action="add_affiliates", add_affiliates_count="1"))
    assert len(response.context["affiliates"].forms) == 5


def test_blank_rows_are_ignored_and_removed_rows_are_not_counted(client, db):
    branches = [*RULES_EXAMPLE_BRANCHES, ("", None, None, "")]
    data = whatif_post(branches=branches, **{"b-1-DELETE": "on"})
    response = client.post(WHATIF, data)
    result = response.context["result"]
    assert [s.units for s in result.sections][0] == 1  # B removed, C tied (excluded), D empty
    assert response.context["errors"] == []


def test_an_engine_error_is_shown_next_to_the_offending_row(client, db):
    branches = [("A", 3, 1, "open"), ("B", 1, 1, "")]
    response = client.post(WHATIF, whatif_post(branches=branches))
    page = response.content.decode()
    assert "result" not in response.context
    first_row = response.context["branches"].forms[0]
    assert "does not match its counts" in " ".join(first_row.non_field_errors())
    assert "There is a problem" in page
    assert f'href="#{first_row["name"].id_for_label}"' in page


def test_a_duplicate_name_is_flagged_on_the_second_row(client, db):
    affiliates = [("Unite", "open", None), ("unite ", "reselect", None)]
    response = client.post(WHATIF, whatif_post(affiliates=affiliates))
    forms = response.context["affiliates"].forms
    assert not forms[0].non_field_errors()
    assert "duplicate affiliate name" in " ".join(forms[1].non_field_errors())


def test_individual_counting_with_an_outcome_only_branch_names_that_row(client, db):
    branches = [("A", 3, 1, ""), ("B", None, None, "open")]
    response = client.post(WHATIF, whatif_post(branches=branches, member_counting="individual"))
    assert "gives only its outcome" in " ".join(response.context["branches"].forms[1].non_field_errors())


def test_a_row_with_counts_but_no_name_asks_for_one(client, db):
    response = client.post(WHATIF, whatif_post(branches=[("", 3, 1, "")]))
    assert "Give this row a name" in response.content.decode()


def test_download_then_upload_round_trips_the_scenario(client, db):
    response = client.post(WHATIF, whatif_post(tied_branch="split", action="download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="whatif-scenario.json"'
    data = json.loads(response.content)
    assert data["options"]["tied_branch"] == "split"
    assert [b["name"] for b in data["branches"]] == ["A", "B", "C", "D"]
    upload = io.BytesIO(response.content)
    upload.name = "scenario.json"
    page = client.post(WHATIF, {"action": "upload", "scenario_file": upload})
    assert page.status_code == 200
    assert page.context["source"] == "the uploaded file"
    assert page.context["result"].options["tied_branch"] == "split"
    initial = [f.initial for f in page.context["branches"].forms]
    assert initial[0] == {"name": "A", "reselect": 30, "open": 20, "outcome": ""}
    assert counting.scenario_to_dict(counting.scenario_from_dict(data)) == data


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{oops", "not valid JSON"),
        (b"[1]", "one JSON object"),
        (b'{"rules": "labour-1900"}', "unknown rule set"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_a_bad_upload_is_refused_with_a_message(client, db, content, message):
    upload = io.BytesIO(content)
    upload.name = "bad.json"
    response = client.post(WHATIF, {"action": "upload", "scenario_file": upload})
    assert response.status_code == 200
    assert message in " ".join(response.context["errors"])


def _closed_ballot(constituency, wards, status=TriggerBallot.Status.CLOSED):
    """A ballot with a roll in every ward (Westgate's two members did not vote) and one affiliate."""
    ballot = TriggerBallotFactory(constituency=constituency, status=status, tied_branch="split")
    for ward, reselect, open_ in zip(wards, (5, 2, 0), (1, 4, 0), strict=True):
        WardVoteCount.objects.create(ballot=ballot, ward=ward, reselect=reselect, open=open_)
        voters = reselect + open_
        for i, member in enumerate(MemberFactory.create_batch(voters + 2, ward=ward)):
            RollEntry.objects.create(
                ballot=ballot,
                member=member,
                ward=ward,
                membership_number=member.membership_number,
                has_voted=i < voters,
            )
    affiliate = AffiliateFactory(constituency=constituency, name="Unite Canterbury")
    from ballots.models import BallotAffiliate

    BallotAffiliate.objects.create(ballot=ballot, affiliate=affiliate, affiliated_members=300)
    AffiliateVote.objects.create(
        ballot=ballot, affiliate=affiliate, choice="open", delegate_name="A Delegate", recorded_at=timezone.now()
    )
    return ballot


def test_an_officer_loads_a_closed_ballot_with_its_real_tallies(officer_client, constituency, wards):
    ballot = _closed_ballot(constituency, wards)
    response = officer_client.get(WHATIF, {"ballot": ballot.pk})
    assert response.status_code == 200
    initial = {f.initial["name"]: (f.initial["reselect"], f.initial["open"]) for f in response.context["branches"]}
    assert initial == {"Barton": (5, 1), "Northgate": (2, 4), "Westgate": (0, 0)}
    assert [f.initial["vote"] for f in response.context["affiliates"]] == ["open"]
    assert response.context["result"].options["tied_branch"] == "split"
    assert f"ballot {ballot.pk}" in response.context["source"]


def test_an_open_ballot_loads_with_zero_counts_and_no_affiliate_votes(officer_client, constituency, wards):
    ballot = _closed_ballot(constituency, wards, status=TriggerBallot.Status.OPEN)
    response = officer_client.get(WHATIF, {"ballot": ballot.pk})
    assert {(f.initial["reselect"], f.initial["open"]) for f in response.context["branches"]} == {(0, 0)}
    assert [f.initial["vote"] for f in response.context["affiliates"]] == ["none"]
    assert "counts start at zero" in response.content.decode()


def test_loading_a_ballot_needs_an_officer_of_its_constituency(client, constituency, wards):
    ballot = _closed_ballot(constituency, wards)
    anonymous = client.get(WHATIF, {"ballot": ballot.pk})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    outsider = OfficerFactory(constituencies=[])
    client.force_login(outsider)
    assert client.get(WHATIF, {"ballot": ballot.pk}).status_code == 403
    assert client.get(FORECAST, {"ballot": ballot.pk}).status_code == 403


def test_an_officer_is_offered_their_own_ballots(officer_client, constituency, wards):
    ballot = _closed_ballot(constituency, wards)
    page = officer_client.get(WHATIF).content.decode()
    assert f'<option value="{ballot.pk}">' in page


# ----------------------------------------------------------------------- forecast


def test_the_forecast_page_runs_and_shows_intervals_histogram_and_pivotal(client, db):
    branches = [("Barton", "100", "40", "5", "50", "10"), ("Westgate", "80", "40", "5", "45", "10")]
    affiliates = [("Unite", "40", "50", "10", "300"), ("GMB", "60", "30", "10", None)]
    response = client.post(FORECAST, forecast_post(branches, affiliates))
    page = response.content.decode()
    assert response.status_code == 200
    result = response.context["result"]
    assert result.trials == 2000 and result.seed == 7
    assert 'role="img"' in page and '<title id="share-title">' in page
    assert "style=" not in page
    assert "How often each was pivotal" in page and "95% interval" in page
    again = client.post(FORECAST, forecast_post(branches, affiliates)).context["result"]
    assert again.main.open_selections == result.main.open_selections


def test_forecast_chances_that_do_not_add_up_are_shown_on_the_row(client, db):
    response = client.post(FORECAST, forecast_post([], [("Unite", "40", "50", "20", None)]))
    assert "must add up to 100%" in " ".join(response.context["affiliates"].forms[0].non_field_errors())
    assert "result" not in response.context


def test_forecast_trials_are_limited_on_the_web(client, db):
    response = client.post(FORECAST, forecast_post([], [("U", "50", "50", "0", None)], trials="500000"))
    assert response.context["settings_form"].errors["trials"]


def test_the_forecast_scenario_downloads_and_uploads(client, db):
    data = forecast_post(
        [("Barton", "100", "40", "5", "50", "10")], [("Unite", "40", "50", "10", "300")], action="download"
    )
    response = client.post(FORECAST, data)
    scenario = json.loads(response.content)
    assert scenario["branches"][0]["turnout"] == {"mean": 0.4, "sd": 0.05}
    assert scenario["affiliates"][0]["p_open"] == 0.5
    upload = io.BytesIO(response.content)
    upload.name = "forecast.json"
    page = client.post(FORECAST, {"action": "upload", "scenario_file": upload})
    assert page.context["branches"].forms[0].initial["turnout"] == 40.0


def test_an_officer_forecasts_from_a_draft_ballots_roll(officer_client, constituency, wards):
    ballot = TriggerBallotFactory(constituency=constituency, status=TriggerBallot.Status.DRAFT)
    for _ in range(3):
        MemberFactory(ward=wards[0])
    MemberFactory(ward=wards[1])
    MemberFactory(ward=wards[1], status=Member.Status.LAPSED)
    MemberFactory(ward=wards[1], joined_on=timezone.localdate())
    AffiliateFactory(constituency=constituency, name="Unite")
    response = officer_client.get(FORECAST, {"ballot": ballot.pk})
    rows = {f.initial["name"]: f.initial["members"] for f in response.context["branches"]}
    assert rows == {"Barton": 3, "Northgate": 1, "Westgate": 0}
    affiliate = response.context["affiliates"].forms[0].initial
    assert affiliate["name"] == "Unite"
    assert round(affiliate["p_reselect"] + affiliate["p_open"] + affiliate["p_abstain"], 6) == 100
    assert f'<option value="{ballot.pk}">' in response.content.decode()


def test_loading_a_roll_takes_the_same_queries_however_many_members(
    officer_client, constituency, wards, django_assert_num_queries
):
    ballot = TriggerBallotFactory(constituency=constituency, status=TriggerBallot.Status.DRAFT)
    AffiliateFactory(constituency=constituency)
    officer_client.get(FORECAST, {"ballot": ballot.pk})  # warm caches (sessions, permissions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        officer_client.get(FORECAST, {"ballot": ballot.pk})
    for ward in wards:
        for _ in range(5):
            MemberFactory(ward=ward)
    AffiliateFactory(constituency=constituency)
    with django_assert_num_queries(len(small.captured_queries)):
        officer_client.get(FORECAST, {"ballot": ballot.pk})


def test_the_what_if_page_takes_the_same_queries_however_many_ballots_an_officer_runs(
    officer_client, constituency, wards, django_assert_num_queries
):
    TriggerBallotFactory(constituency=constituency)
    officer_client.get(WHATIF)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        officer_client.get(WHATIF)
    for _ in range(6):
        TriggerBallotFactory(constituency=constituency)
    with django_assert_num_queries(len(one.captured_queries)):
        response = officer_client.get(WHATIF)
    assert len(response.context["officer_ballots"]) == 7


def test_the_web_forecast_bounds_the_work_of_one_request(client, db):
    branches = [(f"W{i}", "100", "40", "5", "50", "10") for i in range(30)]
    response = client.post(FORECAST, forecast_post(branches, [], trials="200000"))
    assert "runs at most 133,333 trials" in " ".join(response.context["settings_form"].errors["trials"])
    assert "result" not in response.context


def test_a_client_running_too_many_forecasts_is_asked_to_wait(client, db, monkeypatch):
    from ballots.simulator import throttle

    monkeypatch.setattr(throttle, "FORECAST_RUNS_LIMIT", 2)
    data = forecast_post([], [("U", "50", "50", "0", None)], trials="100")
    assert "result" in client.post(FORECAST, data).context
    assert "result" in client.post(FORECAST, data).context
    refused = client.post(FORECAST, data)
    assert "result" not in refused.context
    message = " ".join(refused.context["errors"])
    assert "Too many forecasts" in message
    assert message.endswith((" GMT.", " BST."))


def test_the_demo_uses_the_seeded_canterbury_names_when_present(client, constituency, wards):
    AffiliateFactory(constituency=constituency, name="Unite Canterbury", affiliated_members=420)
    response = client.get(WHATIF + "?start=demo")
    names = [f.initial["name"] for f in response.context["branches"]]
    assert names == ["Barton", "Northgate", "Westgate"]
    assert [f.initial["name"] for f in response.context["affiliates"]] == ["Unite Canterbury"]
    forecast_page = client.get(FORECAST)
    assert [f.initial["name"] for f in forecast_page.context["branches"]] == names

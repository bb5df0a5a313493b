"""How members vote, in a ballot's settings: at least one channel; a channel's own closing time only when
it is allowed, after voting opens and not after it closes; the form groups them under one legend; the
dashboard lists them with their closing times in UK time; they change only while the ballot is a draft."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ballots.models import TriggerBallot
from ballots.officer import services
from ballots.officer.forms import BallotForm
from ballots.officer.services.ballot_settings import ballot_settings_errors
from members.models import AuditEvent
from tests.factories import BALLOT_PUBLIC_KEY

pytestmark = pytest.mark.django_db

OPENS = dt.datetime(2027, 7, 1, 13, 0, tzinfo=dt.UTC)
CLOSES = dt.datetime(2027, 7, 15, 16, 0, tzinfo=dt.UTC)


def errors(**values):
    return ballot_settings_errors({"opens_at": OPENS, "closes_at": CLOSES, **values})


def form_data(**overrides):
    data = {
        "sitting_mp": "Rosie Duffield",
        "rules": "labour-2021",
        "member_counting": "branch",
        "affiliate_counting": "unit",
        "tied_branch": "exclude",
        "freeze_date": "2027-06-01",
        "min_membership_months": "6",
        "affiliate_min_days": "0",
        "opens_at": "2027-07-01T14:00",
        "closes_at": "2027-07-15T17:00",
        "online_voting": "on",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def test_settings_that_leave_out_the_channels_mean_online_voting_only():
    assert errors() == {}


def test_a_ballot_must_allow_at_least_one_way_to_vote():
    assert errors(online_voting=False, paper_voting=False, meeting_voting=False) == {
        "online_voting": ["Choose at least one way for members to vote."]
    }
    assert errors(online_voting=False, meeting_voting=True) == {}


@pytest.mark.parametrize(("channel", "words"), [("paper", "by post or on paper"), ("meeting", "at a branch meeting")])
def test_a_closing_time_is_only_for_a_channel_the_ballot_allows(channel, words):
    moment = OPENS + dt.timedelta(days=3)

    assert errors(**{f"{channel}_closes_at": moment}) == {
        f"{channel}_closes_at": [f"Leave this empty unless members vote {words}."]
    }
    assert errors(**{f"{channel}_voting": True, f"{channel}_closes_at": moment}) == {}


@pytest.mark.parametrize("channel", ["paper", "meeting"])
def test_a_channels_closing_time_falls_after_opening_and_no_later_than_closing(channel):
    def problems(moment):
        return errors(**{f"{channel}_voting": True, f"{channel}_closes_at": moment})

    assert problems(OPENS) == {f"{channel}_closes_at": ["This must be after voting opens."]}
    assert problems(CLOSES + dt.timedelta(minutes=1)) == {
        f"{channel}_closes_at": ["This cannot be after voting closes."]
    }
    assert problems(CLOSES) == {}


def test_the_form_groups_the_channels_under_one_legend_with_plain_labels(officer_client, constituency):
    page = officer_client.get(reverse("ballots:ballot_create", args=[constituency.pk])).content.decode()

    assert "<legend>How members vote</legend>" in page
    fieldset = page[page.index("<legend>How members vote</legend>") :]
    for label in (
        "Members vote online",
        "Members vote by post or on paper",
        "Members vote at branch meetings",
        "Paper votes received until (UK time)",
        "Branch meetings held until (UK time)",
    ):
        assert label in fieldset
    assert "Europe/London" in fieldset
    assert page.count('name="paper_closes_at"') == 1


def test_a_new_ballot_form_starts_with_online_voting_only(officer_client, constituency):
    form = officer_client.get(reverse("ballots:ballot_create", args=[constituency.pk])).context["form"]

    assert [form[name].value() for name in ("online_voting", "paper_voting", "meeting_voting")] == [True, False, False]


def test_the_form_saves_the_channels_and_a_paper_closing_time_read_as_uk_time(officer_client, constituency):
    data = form_data(online_voting=None, paper_voting="on", paper_closes_at="2027-07-10T12:00")

    response = officer_client.post(reverse("ballots:ballot_create", args=[constituency.pk]), data)

    assert response.status_code == 302
    ballot = TriggerBallot.objects.get()
    assert (ballot.online_voting, ballot.paper_voting, ballot.meeting_voting) == (False, True, False)
    assert ballot.paper_closes_at == dt.datetime(2027, 7, 10, 11, 0, tzinfo=dt.UTC)  # 12:00 BST
    assert ballot.meeting_closes_at is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"online_voting": None}, "Choose at least one way for members to vote."),
        ({"meeting_closes_at": "2027-07-10T12:00"}, "Leave this empty unless members vote at a branch meeting."),
        ({"paper_voting": "on", "paper_closes_at": "2027-07-16T12:00"}, "This cannot be after voting closes."),
        ({"paper_voting": "on", "paper_closes_at": "2027-06-30T12:00"}, "This must be after voting opens."),
        ({"paper_voting": "on", "paper_closes_at": "soon"}, "Enter a valid date/time."),
    ],
)
def test_the_form_explains_a_channel_setting_that_does_not_fit_and_saves_nothing(
    officer_client, constituency, overrides, message
):
    response = officer_client.post(reverse("ballots:ballot_create", args=[constituency.pk]), form_data(**overrides))

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()
    assert not TriggerBallot.objects.exists()


def test_the_bound_form_reports_the_error_on_the_channels_own_field():
    form = BallotForm(data=form_data(meeting_voting="on", meeting_closes_at="2027-07-16T12:00"))

    assert not form.is_valid()
    assert form.errors["meeting_closes_at"] == ["This cannot be after voting closes."]


def test_a_drafts_channels_change_through_the_edit_form_and_the_change_is_audited(
    officer_client, draft_ballot, officer
):
    url = reverse("ballots:ballot_edit", args=[draft_ballot.pk])
    data = form_data(meeting_voting="on")

    response = officer_client.post(url, data)

    assert response.status_code == 302
    draft_ballot.refresh_from_db()
    assert draft_ballot.meeting_voting
    changes = AuditEvent.objects.get(action="ballot_updated").detail["changes"]
    assert changes["meeting_voting"] == {"from": False, "to": True}


def test_an_open_ballots_channels_cannot_be_changed(draft_ballot, officer):
    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=draft_ballot, actor=officer)

    with pytest.raises(services.BallotStateError, match="Only a draft ballot can be edited"):
        services.ballot_update(actor=officer, ballot=draft_ballot, paper_voting=True)

    draft_ballot.refresh_from_db()
    assert not draft_ballot.paper_voting


def test_the_service_refuses_a_ballot_with_no_way_to_vote(officer, constituency):
    with pytest.raises(ValidationError) as refused:
        services.ballot_create(
            actor=officer,
            constituency=constituency,
            freeze_date=dt.date(2027, 6, 1),
            opens_at=OPENS,
            closes_at=CLOSES,
            online_voting=False,
        )

    assert "Choose at least one way for members to vote." in str(refused.value)
    assert not TriggerBallot.objects.exists()


def test_the_dashboard_lists_how_members_vote_until_when_in_uk_time(officer_client, draft_ballot):
    TriggerBallot.objects.filter(pk=draft_ballot.pk).update(
        opens_at=OPENS,
        closes_at=CLOSES,
        paper_voting=True,
        paper_closes_at=dt.datetime(2027, 7, 10, 11, 0, tzinfo=dt.UTC),
    )

    page = officer_client.get(reverse("ballots:ballot_manage", args=[draft_ballot.pk])).content.decode()

    section = page[page.index("How members vote") :]
    assert "Online, until Thursday 15 July 2027, 17:00 BST" in section
    assert "By post or on paper, until Saturday 10 July 2027, 12:00 BST" in section
    assert "At a branch meeting" not in section

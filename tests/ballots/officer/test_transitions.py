"""Confirmed transitions: open, close and declare each ask first on a page of their own (opening also
hands over the ballot's key: see test_key_handover_pages.py); a ballot can be voided with a reason,
never deleted, and then takes no votes and no transitions."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ballots.models import RollEntry, SealedVote, TriggerBallot
from ballots.officer import services
from ballots.officer.services import BallotStateError
from ballots.sealing import key_recover, key_text
from ballots.voting.services import VoteRefused, vote_cast
from members.models import AuditEvent
from tests.factories import (
    BALLOT_KEY,
    BALLOT_PUBLIC_KEY,
    MemberFactory,
    TriggerBallotFactory,
    UserFactory,
    ballot_count_with_key,
    open_ballot_with_voters,
)

TRANSITIONS = ("open", "close", "declare")
CONFIRM = {"confirm": "yes"}


def confirm_url(name, ballot):
    return reverse(f"ballots:ballot_{name}_confirm", args=[ballot.pk])


def action_url(name, ballot):
    return reverse(f"ballots:ballot_{name}", args=[ballot.pk])


def void_url(ballot):
    return reverse("ballots:ballot_void", args=[ballot.pk])


def ballot_state(ballot):
    """Everything a transition or a void could change, to compare before and after."""
    row = TriggerBallot.objects.values(
        "status", "opened_at", "closed_at", "declared_at", "voided_at", "void_reason"
    ).get(pk=ballot.pk)
    return row, RollEntry.objects.filter(ballot=ballot).count(), AuditEvent.objects.count()


def ballot_open_with_key(*, ballot, actor):
    return services.ballot_open(ballot=ballot, public_key=BALLOT_PUBLIC_KEY, actor=actor)


def ballot_count(*, ballot, actor):
    return ballot_count_with_key(ballot, actor=actor)


STEPS = {
    "open": [ballot_open_with_key],
    "closed": [ballot_open_with_key, services.ballot_close],
    "counted": [ballot_open_with_key, services.ballot_close, ballot_count],
}
STEPS["declared"] = [*STEPS["counted"], services.ballot_declare]


def move_to(ballot, status, officer):
    """Take a draft ballot to `status` ("open", "closed", "counted" or "declared") through the services."""
    for step in STEPS.get(status, []):
        step(ballot=ballot, actor=officer)
    return ballot


def open_through_the_pages(client, ballot):
    """Open `ballot` as its officer would: choose one key, read it off the key's page, enter it back.

    Returns the response to entering it, and the key's text."""
    page = client.post(action_url("open", ballot), {**CONFIRM, "key_custody": "whole"})
    assert page.status_code == 200
    key = page.context["key_blocks"][0].text
    token = page.context["form"]["token"].value()
    response = client.post(
        reverse("ballots:ballot_open_key", args=[ballot.pk]), {"token": token, "key_text": key, "kept": "on"}
    )
    return response, key


# The confirmation pages


def test_the_open_page_says_the_roll_freezes_with_how_many_members_and_affiliates(officer_client, draft_ballot):
    response = officer_client.get(confirm_url("open", draft_ballot))

    text = response.content.decode()
    assert response.status_code == 200
    assert "The roll freezes now" in text
    assert "<strong>9</strong> members on the roll" in text
    assert "<strong>2</strong> affiliates eligible" in text
    assert "This cannot be undone" in text
    assert f'action="{action_url("open", draft_ballot)}"' in text
    assert 'name="confirm" value="yes"' in text


def test_the_member_count_on_the_open_page_has_thousands_separators(officer_client, constituency, wards):
    MemberFactory.create_batch(1001, ward=wards[0])
    ballot = TriggerBallotFactory(constituency=constituency)

    response = officer_client.get(confirm_url("open", ballot))

    assert "<strong>1,001</strong> members on the roll" in response.content.decode()


def test_the_close_page_says_no_more_votes(officer_client, open_ballot):
    response = officer_client.get(confirm_url("close", open_ballot))

    text = response.content.decode()
    assert response.status_code == 200
    assert "No more votes can be cast" in text
    assert "cannot be reopened" in text
    assert "After closing, the votes are counted with the ballot's key" in text
    assert "<strong>0</strong> of 9 members have voted" in text


def test_the_declare_page_says_the_result_becomes_public(officer_client, open_ballot, officer):
    services.ballot_close(ballot=open_ballot, actor=officer)
    ballot_count_with_key(open_ballot, actor=officer)

    response = officer_client.get(confirm_url("declare", open_ballot))

    text = response.content.decode()
    assert response.status_code == 200
    assert "The result becomes public" in text
    assert "cannot be withdrawn" in text


def test_the_dashboard_links_to_the_confirmation_pages_with_danger_buttons(officer_client, draft_ballot, officer):
    advance = {"open": ballot_open_with_key, "close": services.ballot_close, "declare": services.ballot_declare}
    for name in TRANSITIONS:
        content = officer_client.get(reverse("ballots:ballot_manage", args=[draft_ballot.pk])).content.decode()
        assert f'<a class="button button-danger" href="{confirm_url(name, draft_ballot)}">' in content
        # No form on the dashboard does the transition itself.
        assert f'action="{action_url(name, draft_ballot)}"' not in content
        advance[name](ballot=draft_ballot, actor=officer)
        if name == "close":  # closing leaves the votes sealed: they are counted before declaring
            ballot_count_with_key(draft_ballot, actor=officer)


def test_a_confirmation_page_in_the_wrong_state_sends_the_officer_back_with_the_reason(officer_client, draft_ballot):
    response = officer_client.get(confirm_url("declare", draft_ballot), follow=True)

    assert response.redirect_chain[-1][0] == reverse("ballots:ballot_manage", args=[draft_ballot.pk])
    assert "Only a closed ballot can be declared" in response.content.decode()


def test_getting_any_confirmation_page_changes_nothing(officer_client, draft_ballot, officer):
    ballot = draft_ballot
    steps = {"draft": ballot_open_with_key, "open": services.ballot_close, "closed": ballot_count}
    steps["counted"] = services.ballot_declare
    for status in ("draft", "open", "closed", "counted", "declared"):
        before = ballot_state(ballot)
        for name in TRANSITIONS:
            officer_client.get(confirm_url(name, ballot))
            officer_client.get(action_url(name, ballot))
        officer_client.get(reverse("ballots:ballot_count", args=[ballot.pk]))
        officer_client.get(void_url(ballot))
        assert ballot_state(ballot) == before
        if status in steps:
            steps[status](ballot=ballot, actor=officer)


def test_the_actions_answer_get_with_405(officer_client, draft_ballot):
    for name in TRANSITIONS:
        assert officer_client.get(action_url(name, draft_ballot)).status_code == 405


# Doing the transition


def test_a_confirmed_post_does_each_transition_in_turn(officer_client, draft_ballot, officer):
    opened, key = open_through_the_pages(officer_client, draft_ballot)
    assert opened.status_code == 302
    assert opened["Location"] == reverse("ballots:ballot_manage", args=[draft_ballot.pk])
    draft_ballot.refresh_from_db()
    assert draft_ballot.status == "open"
    for name, status in (("close", "closed"), ("declare", "declared")):
        response = officer_client.post(action_url(name, draft_ballot), CONFIRM)
        assert response.status_code == 302
        assert response["Location"] == reverse("ballots:ballot_manage", args=[draft_ballot.pk])
        draft_ballot.refresh_from_db()
        assert draft_ballot.status == status
        if status == "closed":
            services.ballot_count(ballot=draft_ballot, private_key=key_recover([key]), actor=officer)


def test_a_post_without_the_confirm_field_changes_nothing_and_leads_to_the_confirmation_page(
    officer_client, draft_ballot
):
    before = ballot_state(draft_ballot)

    response = officer_client.post(action_url("open", draft_ballot), {"confirm": "no"})

    assert response.status_code == 302
    assert response["Location"] == confirm_url("open", draft_ballot)
    assert ballot_state(draft_ballot) == before


def test_a_double_submitted_confirmation_does_the_transition_once(officer_client, draft_ballot):
    open_through_the_pages(officer_client, draft_ballot)
    second = officer_client.post(action_url("open", draft_ballot), CONFIRM, follow=True)

    assert "already been opened" in second.content.decode()
    assert AuditEvent.objects.filter(action="ballot_opened").count() == 1
    assert RollEntry.objects.filter(ballot=draft_ballot).count() == 9


def test_a_double_submitted_close_and_declare_each_happen_once(officer_client, open_ballot, officer):
    for name, action in (("close", "ballot_closed"), ("declare", "ballot_declared")):
        officer_client.post(action_url(name, open_ballot), CONFIRM)
        officer_client.post(action_url(name, open_ballot), CONFIRM)
        assert AuditEvent.objects.filter(action=action).count() == 1
        if name == "close":
            ballot_count_with_key(open_ballot, actor=officer)


def test_the_actions_need_the_csrf_token(officer, draft_ballot):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    for name in TRANSITIONS:
        assert client.post(action_url(name, draft_ballot), CONFIRM).status_code == 403
    assert client.post(reverse("ballots:ballot_open_key", args=[draft_ballot.pk]), {"kept": "on"}).status_code == 403
    assert client.post(void_url(draft_ballot), {"reason": "Test", "confirm": "on"}).status_code == 403
    draft_ballot.refresh_from_db()
    assert draft_ballot.status == "draft"
    assert draft_ballot.voided_at is None


def test_the_confirmation_page_carries_a_working_csrf_token(officer, draft_ballot):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    page = client.get(confirm_url("open", draft_ballot))
    token = page.context["csrf_token"]

    key_page = client.post(
        action_url("open", draft_ballot), {**CONFIRM, "key_custody": "whole", "csrfmiddlewaretoken": str(token)}
    )
    response = client.post(
        reverse("ballots:ballot_open_key", args=[draft_ballot.pk]),
        {
            "token": key_page.context["form"]["token"].value(),
            "key_text": key_page.context["key_blocks"][0].text,
            "kept": "on",
            "csrfmiddlewaretoken": str(key_page.context["csrf_token"]),
        },
    )

    assert key_page.status_code == 200
    assert response.status_code == 302
    draft_ballot.refresh_from_db()
    assert draft_ballot.status == "open"


# Who may


def every_transition_url(ballot):
    urls = [("get", confirm_url(name, ballot)) for name in TRANSITIONS]
    urls += [("post", action_url(name, ballot)) for name in TRANSITIONS]
    urls += [("post", reverse("ballots:ballot_open_key", args=[ballot.pk]))]
    return [*urls, ("get", void_url(ballot)), ("post", void_url(ballot))]


def test_anonymous_visitors_are_sent_to_log_in(client, draft_ballot):
    before = ballot_state(draft_ballot)
    for method, url in every_transition_url(draft_ballot):
        response = getattr(client, method)(url, {**CONFIRM, "reason": "x"} if method == "post" else None)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert ballot_state(draft_ballot) == before


def test_a_signed_in_non_officer_gets_403(client, draft_ballot):
    client.force_login(UserFactory(username="nosy"))
    before = ballot_state(draft_ballot)
    for method, url in every_transition_url(draft_ballot):
        response = getattr(client, method)(url, {**CONFIRM, "reason": "x"} if method == "post" else None)
        assert response.status_code == 403, url
    assert ballot_state(draft_ballot) == before


def test_an_officer_of_another_constituency_gets_403(client, draft_ballot, other_officer):
    client.force_login(other_officer)
    before = ballot_state(draft_ballot)
    for method, url in every_transition_url(draft_ballot):
        response = getattr(client, method)(url, {**CONFIRM, "reason": "x"} if method == "post" else None)
        assert response.status_code == 403, url
    assert ballot_state(draft_ballot) == before


# Voiding


def test_voiding_needs_a_reason_and_the_box_ticked(officer_client, draft_ballot):
    before = ballot_state(draft_ballot)

    no_reason = officer_client.post(void_url(draft_ballot), {"reason": "  ", "confirm": "on"})
    no_tick = officer_client.post(void_url(draft_ballot), {"reason": "Wrong freeze date"})

    assert no_reason.status_code == 200 and "There is a problem" in no_reason.content.decode()
    assert "Tick the box" in no_tick.content.decode()
    assert ballot_state(draft_ballot) == before


def test_a_voided_ballot_shows_its_reason_on_its_dashboard_and_in_the_audit(officer_client, draft_ballot, officer):
    response = officer_client.post(void_url(draft_ballot), {"reason": "Wrong freeze date", "confirm": "on"})

    assert response.status_code == 302
    draft_ballot.refresh_from_db()
    assert draft_ballot.voided_at is not None
    assert draft_ballot.voided_by == officer
    event = AuditEvent.objects.get(action="ballot_voided")
    assert event.detail == {"reason": "Wrong freeze date", "status": "draft"}
    dashboard = officer_client.get(reverse("ballots:ballot_manage", args=[draft_ballot.pk])).content.decode()
    assert "This ballot has been voided" in dashboard
    assert "Wrong freeze date" in dashboard
    assert confirm_url("open", draft_ballot) not in dashboard
    assert TriggerBallot.objects.filter(pk=draft_ballot.pk).exists()


def test_voiding_an_open_ballot_closes_it_and_it_takes_no_more_votes(constituency, officer):
    ballot, voters = open_ballot_with_voters(constituency, voters=2)
    vote_cast(ballot=ballot, membership_number=voters[0].membership_number, code=voters[0].code, choice="open")

    services.ballot_void(ballot=ballot, reason="Codes were sent to the wrong list", actor=officer)

    ballot.refresh_from_db()
    assert ballot.status == "closed"
    with pytest.raises(VoteRefused):
        vote_cast(ballot=ballot, membership_number=voters[1].membership_number, code=voters[1].code, choice="open")
    assert SealedVote.objects.filter(ballot=ballot).count() == 1
    actions = list(AuditEvent.objects.filter(ballot_id=ballot.pk).order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["ballot_closed", "ballot_voided"]


def test_a_voided_ballot_takes_no_transitions(draft_ballot, officer):
    services.ballot_void(ballot=draft_ballot, reason="Duplicate", actor=officer)

    for service in (ballot_open_with_key, services.ballot_close, services.ballot_declare, ballot_count):
        with pytest.raises(BallotStateError, match="voided"):
            service(ballot=draft_ballot, actor=officer)
    with pytest.raises(BallotStateError, match="voided"):
        services.ballot_update(ballot=draft_ballot, actor=officer, sitting_mp="Someone Else")
    with pytest.raises(BallotStateError, match="already been voided"):
        services.ballot_void(ballot=draft_ballot, reason="Again", actor=officer)


def test_the_pages_refuse_transitions_of_a_voided_ballot(officer_client, draft_ballot, officer):
    services.ballot_void(ballot=draft_ballot, reason="Duplicate", actor=officer)
    before = ballot_state(draft_ballot)

    page = officer_client.get(confirm_url("open", draft_ballot), follow=True)
    posted = officer_client.post(action_url("open", draft_ballot), CONFIRM, follow=True)
    edit = officer_client.get(reverse("ballots:ballot_edit", args=[draft_ballot.pk]), follow=True)
    again = officer_client.get(void_url(draft_ballot), follow=True)

    for response in (page, posted, edit):
        assert "This ballot has been voided: nothing more can be done with it." in response.content.decode()
    assert "already been voided" in again.content.decode()
    assert ballot_state(draft_ballot) == before


def test_a_declared_ballot_can_be_voided_and_stays_declared(officer_client, draft_ballot, officer):
    move_to(draft_ballot, "declared", officer)

    officer_client.post(void_url(draft_ballot), {"reason": "Count challenged", "confirm": "on"})

    draft_ballot.refresh_from_db()
    assert draft_ballot.status == "declared"
    assert draft_ballot.void_reason == "Count challenged"


def test_the_database_refuses_a_void_without_a_reason_or_a_voided_open_ballot(open_ballot):
    for values in ({"voided_at": timezone.now()}, {"voided_at": timezone.now(), "void_reason": "Open"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            TriggerBallot.objects.filter(pk=open_ballot.pk).update(**values)


def test_the_not_yet_page_of_a_voided_draft_says_it_will_have_no_result(officer_client, draft_ballot, officer):
    services.ballot_void(ballot=draft_ballot, reason="Duplicate", actor=officer)

    response = officer_client.get(reverse("ballots:results", args=[draft_ballot.pk]))

    assert "This ballot has been voided" in response.content.decode()
    assert "Duplicate" in response.content.decode()


def test_an_overdue_open_ballot_is_closed_by_its_count_and_then_declared(officer_client, open_ballot):
    TriggerBallot.objects.filter(pk=open_ballot.pk).update(
        opens_at=timezone.now() - dt.timedelta(hours=3), closes_at=timezone.now() - dt.timedelta(hours=1)
    )
    count_url = reverse("ballots:ballot_count", args=[open_ballot.pk])

    refused = officer_client.get(confirm_url("declare", open_ballot), follow=True)
    page = officer_client.get(count_url)
    officer_client.post(count_url, {"key_text": key_text(BALLOT_KEY)})
    officer_client.post(action_url("declare", open_ballot), CONFIRM)

    assert "Only a closed ballot can be declared" in refused.content.decode()
    assert "The closing time has passed, so the ballot is closed first." in page.content.decode()
    open_ballot.refresh_from_db()
    assert open_ballot.status == "declared"
    assert AuditEvent.objects.filter(action="ballot_closed_automatically").count() == 1


def test_declaring_is_refused_while_the_votes_are_sealed(officer_client, open_ballot, officer):
    services.ballot_close(ballot=open_ballot, actor=officer)

    page = officer_client.get(confirm_url("declare", open_ballot), follow=True)
    posted = officer_client.post(action_url("declare", open_ballot), CONFIRM, follow=True)

    for response in (page, posted):
        assert "The votes are still sealed" in response.content.decode()
    open_ballot.refresh_from_db()
    assert open_ballot.status == "closed"

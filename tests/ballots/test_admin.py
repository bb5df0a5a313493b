"""The admin goes through the rules: ballots, roll entries, eligible affiliates and affiliates' votes
are read-only there, the audit list reads its rows in a constant number of queries, and a
constituency's officers are picked from the Officers group only."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from ballots.models import AffiliateVote, BallotAffiliate, RollEntry, TriggerBallot
from members.models import AuditEvent, Constituency
from members.services import audit_record
from tests.factories import OfficerFactory, UserFactory

READ_ONLY_MODELS = [TriggerBallot, RollEntry, BallotAffiliate, AffiliateVote]


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def recorded_vote(open_ballot, officer):
    from ballots.officer import services

    affiliate = open_ballot.eligible_affiliates.first().affiliate
    return services.affiliate_vote_record(
        ballot=open_ballot, affiliate=affiliate, choice="open", delegate_name="A Delegate", actor=officer
    )


@pytest.mark.parametrize("model", READ_ONLY_MODELS, ids=lambda model: model.__name__)
def test_no_one_may_add_change_or_delete_ballot_records_in_the_admin(superuser, model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = superuser

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_a_ballot_cannot_be_edited_or_deleted_through_the_admin_pages(superuser_client, open_ballot):
    change_url = reverse("admin:ballots_triggerballot_change", args=[open_ballot.pk])
    delete_url = reverse("admin:ballots_triggerballot_delete", args=[open_ballot.pk])

    page = superuser_client.get(change_url)
    superuser_client.post(change_url, {"sitting_mp": "Somebody Else", "status": "draft"})
    deleted = superuser_client.post(delete_url, {"post": "yes"})

    assert page.status_code == 200
    assert b'name="sitting_mp"' not in page.content
    assert deleted.status_code == 403
    open_ballot.refresh_from_db()
    assert (open_ballot.sitting_mp, open_ballot.status) == ("Rosie Duffield", "open")
    assert superuser_client.get(reverse("admin:ballots_triggerballot_add")).status_code == 403


def test_roll_entries_and_affiliates_votes_cannot_be_deleted_through_the_admin(
    superuser_client, open_ballot, recorded_vote
):
    entry = RollEntry.objects.filter(ballot=open_ballot).first()

    for name, pk in (("rollentry", entry.pk), ("affiliatevote", recorded_vote.pk)):
        response = superuser_client.post(reverse(f"admin:ballots_{name}_delete", args=[pk]), {"post": "yes"})
        assert response.status_code == 403, name
    assert RollEntry.objects.filter(pk=entry.pk).exists()
    assert AffiliateVote.objects.filter(pk=recorded_vote.pk).exists()


def test_a_roll_entrys_admin_page_does_not_show_the_code_hash(superuser_client, open_ballot, officer):
    from ballots.officer import services

    entry, _code = services.voting_codes_issue(ballot=open_ballot, actor=officer)[0]
    entry.refresh_from_db()

    page = superuser_client.get(reverse("admin:ballots_rollentry_change", args=[entry.pk]))

    assert page.status_code == 200
    assert entry.code_hash.encode() not in page.content


def test_the_ballot_list_in_the_admin_filters_by_rule_set_title(superuser_client, open_ballot):
    page = superuser_client.get(reverse("admin:ballots_triggerballot_changelist"))

    assert page.status_code == 200
    assert open_ballot.get_rules_display().encode() in page.content


@pytest.mark.parametrize("events", [3, 60])
def test_the_audit_list_runs_the_same_queries_however_many_rows(
    superuser_client, constituency, django_assert_num_queries, events
):
    for n in range(events):
        actor = OfficerFactory(username=f"actor{n}", constituencies=[constituency])
        audit_record(action=f"test_action_{n}", actor=actor, constituency=constituency, ballot_id=None)
    url = reverse("admin:members_auditevent_changelist")

    # Session and user (2), the count, the filtered count, the page of rows with their actors and
    # constituencies in one join (3), and the action filter's choices (1).
    with django_assert_num_queries(6):
        response = superuser_client.get(url)

    assert response.status_code == 200
    assert AuditEvent.objects.count() == events


def test_the_officers_picker_lists_only_the_officers_group(superuser, constituency, officer):
    UserFactory(username="not-an-officer")
    model_admin = admin.site._registry[Constituency]
    request = RequestFactory().get("/admin/")
    request.user = superuser

    field = model_admin.formfield_for_manytomany(Constituency._meta.get_field("officers"), request)

    assert list(field.queryset.values_list("username", flat=True)) == ["officer"]

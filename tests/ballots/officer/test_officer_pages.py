"""Officer ballot pages: only the constituency's officers get in; the ballot form reads and shows times in
UK time; the roll preview explains who is left off and why; lists keep their queries constant."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from ballots.models import AffiliateVote, RollEntry, TriggerBallot
from ballots.officer import services
from ballots.sealing import key_fingerprint
from members.models import Member
from tests.factories import (
    BALLOT_PUBLIC_KEY,
    MemberFactory,
    TriggerBallotFactory,
    UserFactory,
    WardFactory,
    ballot_count_with_key,
    members_in,
    open_ballot_with_roll,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")


def officer_urls(ballot, *, entry_pk=1, affiliate_pk=1):
    """(method, url) for every officer page of the ballots app."""
    pk, constituency_pk = ballot.pk, ballot.constituency_id
    return [
        ("get", reverse("ballots:ballot_list", args=[constituency_pk])),
        ("get", reverse("ballots:ballot_create", args=[constituency_pk])),
        ("post", reverse("ballots:ballot_create", args=[constituency_pk])),
        ("get", reverse("ballots:ballot_manage", args=[pk])),
        ("get", reverse("ballots:ballot_edit", args=[pk])),
        ("post", reverse("ballots:ballot_edit", args=[pk])),
        ("get", reverse("ballots:ballot_roll", args=[pk])),
        ("post", reverse("ballots:ballot_open", args=[pk])),
        ("post", reverse("ballots:ballot_open_key", args=[pk])),
        ("post", reverse("ballots:ballot_close", args=[pk])),
        ("get", reverse("ballots:ballot_count", args=[pk])),
        ("post", reverse("ballots:ballot_count", args=[pk])),
        ("post", reverse("ballots:ballot_declare", args=[pk])),
        ("get", reverse("ballots:ballot_codes", args=[pk])),
        ("post", reverse("ballots:codes_download", args=[pk])),
        ("post", reverse("ballots:codes_email", args=[pk])),
        ("post", reverse("ballots:codes_reissue_all", args=[pk])),
        ("post", reverse("ballots:code_reissue", args=[pk, entry_pk])),
        ("post", reverse("ballots:code_send", args=[pk, entry_pk])),
        ("get", reverse("ballots:affiliate_votes", args=[pk])),
        ("get", reverse("ballots:affiliate_vote_record", args=[pk, affiliate_pk])),
        ("post", reverse("ballots:affiliate_vote_record", args=[pk, affiliate_pk])),
        ("get", reverse("ballots:ballot_audit", args=[pk])),
        ("get", reverse("ballots:ballot_audit_csv", args=[pk])),
    ]


def urls_for(open_ballot):
    entry = RollEntry.objects.filter(ballot=open_ballot).first()
    affiliate_pk = open_ballot.eligible_affiliates.first().affiliate_id
    return officer_urls(open_ballot, entry_pk=entry.pk, affiliate_pk=affiliate_pk)


def nothing_changed(ballot):
    ballot.refresh_from_db()
    return (
        ballot.status == "open"
        and not RollEntry.objects.filter(ballot=ballot).exclude(code_hash="").exists()
        and not AffiliateVote.objects.exists()
        and TriggerBallot.objects.count() == 1
    )


def test_anonymous_visitors_are_sent_to_log_in_from_every_officer_page(client, open_ballot):
    for method, url in urls_for(open_ballot):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert nothing_changed(open_ballot)


def test_a_signed_in_member_of_the_public_gets_403_everywhere(client, open_ballot):
    client.force_login(UserFactory(username="nosy"))

    for method, url in urls_for(open_ballot):
        assert getattr(client, method)(url).status_code == 403, url
    assert nothing_changed(open_ballot)


def test_an_officer_of_another_constituency_gets_403_on_every_page(client, open_ballot, other_officer):
    client.force_login(other_officer)

    for method, url in urls_for(open_ballot):
        assert getattr(client, method)(url).status_code == 403, url
    assert nothing_changed(open_ballot)


def test_the_constituencys_officer_reaches_every_page(officer_client, open_ballot):
    for method, url in urls_for(open_ballot):
        if method == "get":
            assert officer_client.get(url).status_code in (200, 302), url


def test_an_unknown_ballot_is_404_for_an_officer(officer_client):
    assert officer_client.get(reverse("ballots:ballot_manage", args=[999])).status_code == 404


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
        "online_voting": "on",
        "closes_at": "2027-07-15T17:00",
    }
    data.update(overrides)
    return data


def test_the_new_ballot_form_reads_times_as_uk_time_and_shows_the_zone(officer_client, constituency):
    response = officer_client.post(reverse("ballots:ballot_create", args=[constituency.pk]), form_data(), follow=True)

    ballot = TriggerBallot.objects.get()
    assert ballot.opens_at == dt.datetime(2027, 7, 1, 13, 0, tzinfo=dt.UTC)  # 14:00 BST
    assert ballot.opens_at.astimezone(LONDON).hour == 14
    assert ballot.status == "draft"
    content = response.content.decode()
    assert "1 July 2027, 14:00 BST" in content
    assert "15 July 2027, 17:00 BST" in content


def test_the_new_ballot_form_offers_sensible_defaults(officer_client, constituency):
    response = officer_client.get(reverse("ballots:ballot_create", args=[constituency.pk]))

    form = response.context["form"]
    assert form.initial["sitting_mp"] == "Rosie Duffield"
    assert form["rules"].value() == "labour-2021"
    assert form.initial["closes_at"] > form.initial["opens_at"] > timezone.now()
    assert b'type="datetime-local"' in response.content
    assert b"UK time" in response.content


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"closes_at": "2027-06-30T09:00"}, b"The closing time must be after the opening time."),
        ({"freeze_date": "2027-07-02"}, b"The freeze date cannot be after the day the ballot opens."),
        ({"rules": "labour-1918"}, b"Select a valid choice"),
        ({"opens_at": "not a time"}, b"Enter a valid date/time."),
        ({"opens_at": "2027-03-28T01:30"}, b"it may be ambiguous or it may not exist"),  # clocks go forward
    ],
)
def test_the_ballot_form_explains_what_is_wrong_and_saves_nothing(officer_client, constituency, overrides, message):
    response = officer_client.post(reverse("ballots:ballot_create", args=[constituency.pk]), form_data(**overrides))

    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert message in response.content
    assert not TriggerBallot.objects.exists()


def test_a_draft_is_edited_through_the_form_but_an_open_ballot_is_not(officer_client, draft_ballot, officer):
    url = reverse("ballots:ballot_edit", args=[draft_ballot.pk])
    assert officer_client.post(url, form_data(min_membership_months="12")).status_code == 302
    draft_ballot.refresh_from_db()
    assert draft_ballot.min_membership_months == 12

    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=draft_ballot, actor=officer)
    response = officer_client.post(url, form_data(min_membership_months="1"), follow=True)

    assert b"Only a draft ballot can be edited" in response.content
    draft_ballot.refresh_from_db()
    assert draft_ballot.min_membership_months == 12


def test_the_roll_preview_counts_each_ward_and_each_reason(officer_client, constituency, wards):
    members_in(wards, 2)
    MemberFactory(ward=wards[0], joined_on=timezone.localdate(), last_name="Newcomer")
    MemberFactory(ward=wards[0], status=Member.Status.LAPSED, last_name="Lapsed")
    MemberFactory(ward=wards[1], status=Member.Status.ARREARS, last_name="Owing")
    MemberFactory(ward=wards[1], status=Member.Status.LAPSED, joined_on=timezone.localdate())
    ballot = TriggerBallotFactory(constituency=constituency)

    response = officer_client.get(reverse("ballots:ballot_roll", args=[ballot.pk]))

    preview = response.context["preview"]
    assert [(w.name, w.eligible, w.too_recent, w.lapsed, w.arrears) for w in preview.wards] == [
        ("Barton", 2, 1, 1, 0),
        ("Northgate", 2, 0, 1, 1),
        ("Westgate", 2, 0, 0, 0),
    ]
    assert preview.totals.eligible == 6
    table = response.context["ineligible_table"]
    reasons = sorted((row.record.last_name, row.record.ineligibility) for row in table.page.object_list)
    assert ("Newcomer", "joined too recently") in reasons
    assert ("Owing", "in arrears") in reasons
    assert ("Lapsed", "lapsed") in reasons
    assert len(reasons) == 4


def test_the_roll_preview_flags_wards_too_small_for_their_counts_to_be_published(
    officer_client, constituency, wards, settings
):
    settings.RESULTS_DISCLOSURE_THRESHOLD = 3
    members_in(wards[:1], 2)
    members_in(wards[1:2], 3)
    ballot = TriggerBallotFactory(constituency=constituency)

    response = officer_client.get(reverse("ballots:ballot_roll", args=[ballot.pk]))

    # Barton (2) is under the threshold; Northgate (3) is not; Westgate has nobody to protect.
    assert [ward.name for ward in response.context["preview"].small_wards] == ["Barton"]
    page = response.content.decode()
    assert "<strong>1 ward has fewer than 3 members on the roll:</strong> Barton (2)." in page
    assert "the result alone may show how its few members voted" in page


def test_the_roll_preview_matches_the_roll_that_opening_freezes(officer_client, constituency, wards, officer):
    members_in(wards, 3)
    MemberFactory(ward=wards[2], joined_on=timezone.localdate())
    ballot = TriggerBallotFactory(constituency=constituency, arrears_allowed=True)
    MemberFactory(ward=wards[2], status=Member.Status.ARREARS)

    preview = officer_client.get(reverse("ballots:ballot_roll", args=[ballot.pk])).context["preview"]
    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot, actor=officer)

    assert preview.totals.eligible == RollEntry.objects.filter(ballot=ballot).count() == 10
    assert preview.totals.arrears == 0


@pytest.mark.parametrize(("ward_count", "per_ward"), [(2, 1), (20, 6)])
def test_the_roll_preview_runs_a_constant_number_of_queries(
    officer_client, constituency, django_assert_num_queries, ward_count, per_ward
):
    wards = [WardFactory(constituency=constituency, name=f"Ward {i:02}") for i in range(ward_count)]
    for ward in wards:
        MemberFactory.create_batch(per_ward, ward=ward)
        MemberFactory.create_batch(per_ward, ward=ward, status=Member.Status.LAPSED)
    ballot = TriggerBallotFactory(constituency=constituency)

    # Session, user, permissions (4), ballot (1), officer check (1), wards (1), members
    # without an email (1), affiliates (1), ineligible count and page (2), the affiliate
    # list (1). No write.
    with django_assert_num_queries(12):
        response = officer_client.get(reverse("ballots:ballot_roll", args=[ballot.pk]))

    assert len(response.context["preview"].wards) == ward_count


@pytest.mark.parametrize("count", [1, 12])
def test_the_ballot_list_runs_a_constant_number_of_queries(
    officer_client, constituency, django_assert_num_queries, count
):
    TriggerBallotFactory.create_batch(count, constituency=constituency)

    # Session, user, permissions (4), constituency (1), officer check (1), ballots (1). No write.
    with django_assert_num_queries(7):
        response = officer_client.get(reverse("ballots:ballot_list", args=[constituency.pk]))

    assert len(response.context["ballots"]) == count


@pytest.mark.parametrize(("ward_count", "affiliates"), [(2, 1), (10, 15)])
def test_the_codes_and_affiliates_pages_run_a_constant_number_of_queries(
    officer_client, constituency, officer, django_assert_num_queries, ward_count, affiliates
):
    wards = [WardFactory(constituency=constituency, name=f"Ward {i:02}") for i in range(ward_count)]
    ballot = open_ballot_with_roll(constituency=constituency, wards=wards, per_ward=3, affiliates=affiliates)
    for row in ballot.eligible_affiliates.select_related("affiliate"):
        services.affiliate_vote_record(
            ballot=ballot, affiliate=row.affiliate, choice="open", delegate_name="D", actor=officer
        )
    number = RollEntry.objects.filter(ballot=ballot).first().membership_number

    with django_assert_num_queries(9):  # ... (6), code counts (1), re-issue request waiting (1), the member found (1)
        officer_client.get(reverse("ballots:ballot_codes", args=[ballot.pk]) + f"?membership_number={number}")
    with django_assert_num_queries(8):  # ... (6), eligible affiliates (1), their votes (1)
        response = officer_client.get(reverse("ballots:affiliate_votes", args=[ballot.pk]))

    assert len(response.context["rows"]) == affiliates


def test_the_home_page_and_constituency_page_link_to_the_ballots(officer_client, constituency, draft_ballot):
    home = officer_client.get(reverse("home"))
    overview = officer_client.get(reverse("members:constituency", args=[constituency.pk]))

    assert reverse("ballots:ballot_manage", args=[draft_ballot.pk]).encode() in home.content
    assert reverse("ballots:ballot_list", args=[constituency.pk]).encode() in overview.content


def test_the_dashboard_offers_only_the_actions_of_the_current_state(officer_client, draft_ballot, officer):
    url = reverse("ballots:ballot_manage", args=[draft_ballot.pk])
    buttons = {
        "open": reverse("ballots:ballot_open", args=[draft_ballot.pk]).encode(),
        "close": reverse("ballots:ballot_close", args=[draft_ballot.pk]).encode(),
        "count": reverse("ballots:ballot_count", args=[draft_ballot.pk]).encode(),
        "declare": reverse("ballots:ballot_declare", args=[draft_ballot.pk]).encode(),
    }
    expected = {"draft": "open", "open": "close", "closed": "count", "counted": "declare", "declared": None}
    steps = [
        lambda **_: None,
        lambda **kwargs: services.ballot_open(public_key=BALLOT_PUBLIC_KEY, **kwargs),
        services.ballot_close,
        lambda ballot, actor: ballot_count_with_key(ballot, actor=actor),
        services.ballot_declare,
    ]

    for (status, offered), step in zip(expected.items(), steps, strict=True):
        step(ballot=draft_ballot, actor=officer)
        content = officer_client.get(url).content
        offers = {name for name, action in buttons.items() if action in content}
        assert offers == ({offered} if offered else set()), status
        assert (b"Votes are sealed until counted with the ballot's key" in content) == (status == "closed")


def test_the_dashboard_shows_the_keys_fingerprint_and_who_holds_its_shares(officer_client, draft_ballot, officer):
    url = reverse("ballots:ballot_manage", args=[draft_ballot.pk])
    assert b"Key fingerprint" not in officer_client.get(url).content

    services.ballot_open(
        ballot=draft_ballot,
        public_key=BALLOT_PUBLIC_KEY,
        key_custody="shares",
        key_holders=["Jo Returning", "Kent Region", "Sam Scrutineer"],
        actor=officer,
    )
    content = officer_client.get(url).content.decode()

    assert key_fingerprint(BALLOT_PUBLIC_KEY) in content
    assert "share 1 of 3: Jo Returning" in content
    assert "share 3 of 3: Sam Scrutineer" in content

"""The codes page's two-officer re-issue: asking, approving (the CSV goes to the approver), refusing,
withdrawing; bad input re-shown with its error; officers of the constituency only; CSRF on."""

import pytest
from django.test import Client
from django.urls import reverse

from ballots.models import CodeReissueRequest, RollEntry
from ballots.officer.services.letter_pdf import uk_time
from members.models import AuditEvent
from tests.ballots.officer.code_reissue_approval.reissue_checks import codes_still_working, csv_rows
from tests.factories import MemberFactory, UserFactory

REASON = "The CSV went to the wrong address."


def codes_url(ballot):
    return reverse("ballots:ballot_codes", args=[ballot.pk])


def action_url(name, reissue_request):
    return reverse(f"ballots:{name}", args=[reissue_request.ballot_id, reissue_request.pk])


def test_an_open_ballots_codes_page_offers_only_to_ask_a_second_officer(officer_client, open_ballot):
    page = officer_client.get(codes_url(open_ballot)).content.decode()

    assert "Ask a second officer to re-issue all codes" in page
    assert "Why must every code be re-issued?" in page
    assert reverse("ballots:codes_reissue_ask", args=[open_ballot.pk]) in page
    assert "Re-issue all and download" not in page


def test_one_officer_posting_the_old_re_issue_is_told_a_second_officer_is_needed(officer_client, open_ballot, issued):
    response = officer_client.post(
        reverse("ballots:codes_reissue_all", args=[open_ballot.pk]), {"delivery": "csv", "confirm": "on"}, follow=True
    )

    assert "second officer" in response.content.decode()
    assert codes_still_working(open_ballot, issued) == 9


def test_asking_without_a_reason_re_shows_the_form_with_its_error(officer_client, open_ballot):
    url = reverse("ballots:codes_reissue_ask", args=[open_ballot.pk])

    response = officer_client.post(url, {"how": "csv", "confirm": "on", "reason": "  "})

    assert response.status_code == 400
    assert "Say why every code must be re-issued." in response.content.decode()
    assert not CodeReissueRequest.objects.exists()


def test_asking_while_a_request_waits_is_refused_saying_who_asked_first(second_client, open_ballot, csv_request):
    url = reverse("ballots:codes_reissue_ask", args=[open_ballot.pk])

    response = second_client.post(url, {"how": "email", "confirm": "on", "reason": REASON}, follow=True)

    assert response.redirect_chain[-1][0] == codes_url(open_ballot)
    assert "officer has already asked for every code to be re-issued" in response.content.decode()
    assert CodeReissueRequest.objects.count() == 1


def test_the_asker_sees_their_request_with_withdraw_and_the_other_officer_can_approve_or_refuse(
    officer_client, second_client, open_ballot
):
    url = reverse("ballots:codes_reissue_ask", args=[open_ballot.pk])
    asked = officer_client.post(url, {"how": "csv", "confirm": "on", "reason": REASON}, follow=True)
    pending = CodeReissueRequest.objects.get(state="pending")

    own = asked.content.decode()
    assert "nothing changes until they approve it." in own
    assert action_url("codes_reissue_withdraw", pending) in own
    assert action_url("codes_reissue_approve", pending) not in own
    other = second_client.get(codes_url(open_ballot)).content.decode()
    assert action_url("codes_reissue_approve", pending) in other
    assert action_url("codes_reissue_refuse", pending) in other
    assert action_url("codes_reissue_withdraw", pending) not in other
    assert REASON in other
    assert uk_time(pending.requested_at) in other


def test_the_second_officers_approval_returns_the_new_codes_and_the_old_ones_stop_working(
    second_client, open_ballot, issued, csv_request
):
    response = second_client.post(action_url("codes_reissue_approve", csv_request))

    rows = csv_rows(response)
    assert len(rows) == 9
    assert response["Cache-Control"] == "no-store"
    assert codes_still_working(open_ballot, issued) == 0
    entries = {e.membership_number: e for e in RollEntry.objects.filter(ballot=open_ballot)}
    new = [(entries[row["membership_number"]], row["voting_code"]) for row in rows]
    assert codes_still_working(open_ballot, new) == 9


def test_the_asker_pressing_approve_is_refused_in_plain_words(officer_client, open_ballot, issued, csv_request):
    response = officer_client.post(action_url("codes_reissue_approve", csv_request), follow=True)

    assert "you cannot approve it too" in response.content.decode()
    assert codes_still_working(open_ballot, issued) == 9


def test_refusing_needs_a_reason_and_then_changes_no_code(second_client, open_ballot, issued, csv_request):
    url = action_url("codes_reissue_refuse", csv_request)

    empty = second_client.post(url, {"refuse-reason": ""})
    assert empty.status_code == 400
    assert "Say why you are refusing the re-issue." in empty.content.decode()

    refused = second_client.post(url, {"refuse-reason": "Nothing went astray."}, follow=True)
    assert "every code stays as it was" in refused.content.decode()
    csv_request.refresh_from_db()
    assert csv_request.state == "refused"
    assert codes_still_working(open_ballot, issued) == 9


def test_the_asker_withdraws_and_can_ask_again(officer_client, open_ballot, csv_request):
    response = officer_client.post(action_url("codes_reissue_withdraw", csv_request), follow=True)

    assert "You withdrew your request" in response.content.decode()
    assert "Ask a second officer to re-issue all codes" in response.content.decode()
    csv_request.refresh_from_db()
    assert csv_request.state == "withdrawn"


def test_a_request_of_another_ballot_is_not_found(second_client, open_ballot, csv_request, constituency, wards):
    other_ballot_url = reverse("ballots:codes_reissue_approve", args=[open_ballot.pk + 1000, csv_request.pk])
    wrong_request_url = reverse("ballots:codes_reissue_approve", args=[open_ballot.pk, csv_request.pk + 1000])

    assert second_client.post(other_ballot_url).status_code == 404
    assert second_client.post(wrong_request_url).status_code == 404


def all_urls(reissue_request):
    return [
        reverse("ballots:codes_reissue_ask", args=[reissue_request.ballot_id]),
        action_url("codes_reissue_approve", reissue_request),
        action_url("codes_reissue_refuse", reissue_request),
        action_url("codes_reissue_withdraw", reissue_request),
    ]


def test_strangers_are_sent_to_log_in_or_refused_and_nothing_changes(
    client, open_ballot, issued, csv_request, other_officer
):
    for url in all_urls(csv_request):
        response = client.post(url, {"refuse-reason": "No.", "how": "csv", "reason": REASON, "confirm": "on"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    for user in (UserFactory(username="nosy"), other_officer):
        client.force_login(user)
        for url in all_urls(csv_request):
            assert client.post(url, {"refuse-reason": "No."}).status_code == 403, url

    csv_request.refresh_from_db()
    assert csv_request.state == "pending"
    assert codes_still_working(open_ballot, issued) == 9


def test_every_form_is_csrf_protected(officer, second_officer, open_ballot, csv_request):
    client = Client(enforce_csrf_checks=True)
    client.force_login(second_officer)

    page = client.get(codes_url(open_ballot)).content.decode()
    for url in all_urls(csv_request)[1:3]:
        form_at = page.index(f'action="{url}"')
        assert "csrfmiddlewaretoken" in page[form_at : page.index("</form>", form_at)]
        assert client.post(url, {"refuse-reason": "No."}).status_code == 403
    csv_request.refresh_from_db()
    assert csv_request.state == "pending"


# The session, the user and their permissions, the ballot and the access check, the code counts,
# and the request waiting with who asked: the same for a roll of nine and of 309.
PAGE_QUERIES = 8


@pytest.mark.parametrize("extra_members", [0, 300])
def test_the_codes_page_with_a_request_waiting_runs_the_same_queries_whatever_the_roll(
    second_client, open_ballot, csv_request, wards, extra_members, django_assert_num_queries
):
    RollEntry.objects.bulk_create(
        RollEntry(ballot=open_ballot, member=member, ward=member.ward, membership_number=member.membership_number)
        for member in (MemberFactory(ward=wards[n % 3]) for n in range(extra_members))
    )

    with django_assert_num_queries(PAGE_QUERIES):
        response = second_client.get(codes_url(open_ballot))
    assert response.status_code == 200


def test_audit_log_reads_the_approval_in_plain_words(officer_client, second_client, open_ballot, csv_request):
    second_client.post(action_url("codes_reissue_approve", csv_request))

    log = officer_client.get(reverse("ballots:ballot_audit", args=[open_ballot.pk])).content.decode()
    assert "Asked a second officer to approve re-issuing every voting code (to download)." in log
    assert "Approved the request of officer to re-issue every voting code" in log
    assert AuditEvent.objects.filter(action="voting_code_reissued_in_bulk").count() == 9

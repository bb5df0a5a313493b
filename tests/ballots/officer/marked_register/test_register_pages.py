"""The marked register's pages: officers of the ballot's constituency only; search by number or name;
one click marks and comes back to the search; undo asks for a reason; constant queries."""

import pytest
from django.urls import reverse

from ballots.models import RollEntry, TriggerBallot
from ballots.officer.services.marked_register import SEARCH_LIMIT
from members.models import AuditEvent
from tests.factories import MemberFactory, RollEntryFactory, UserFactory

pytestmark = pytest.mark.django_db


def register_url(ballot, query=None):
    url = reverse("ballots:marked_register", args=[ballot.pk])
    return f"{url}?q={query}" if query is not None else url


def undo_url(ballot, voter):
    return reverse("ballots:marked_register_undo", args=[ballot.pk, voter.entry.pk])


def mark_data(voter, channel="paper", query=""):
    return {"entry": voter.entry.pk, "channel": channel, "q": query}


def pages(ballot, voter):
    return [
        ("get", register_url(ballot), {}),
        ("post", register_url(ballot), mark_data(voter)),
        ("get", undo_url(ballot, voter), {}),
        ("post", undo_url(ballot, voter), {"reason": "Wrong member"}),
    ]


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_marked(client, paper_ballot, voters):
    for method, url, data in pages(paper_ballot, voters[0]):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert not RollEntry.objects.filter(ballot=paper_ballot, has_voted=True).exists()


def test_a_signed_in_non_officer_and_another_constituencys_officer_get_403(client, paper_ballot, voters, other_officer):
    for user in (UserFactory(username="nosy"), other_officer):
        client.force_login(user)
        for method, url, data in pages(paper_ballot, voters[0]):
            assert getattr(client, method)(url, data).status_code == 403, url
    assert not RollEntry.objects.filter(ballot=paper_ballot, has_voted=True).exists()


def test_a_search_by_membership_number_finds_the_member_as_typed_or_in_lower_case(officer_client, paper_ballot, voters):
    voter = voters[1]

    response = officer_client.get(register_url(paper_ballot, f" {voter.membership_number.lower()} "))

    assert [entry.pk for entry in response.context["results"]] == [voter.entry.pk]
    assert voter.membership_number in response.content.decode()


def test_a_search_by_name_matches_any_case_and_every_word(officer_client, paper_ballot, constituency):
    ward = paper_ballot.roll.first().ward
    # Names no generated voter has, so only these can match.
    for first, last in (("Quadaxa", "Lovequist"), ("Quadaxam", "Smithquist"), ("Grace", "Hopperquist")):
        RollEntryFactory(ballot=paper_ballot, member=MemberFactory(ward=ward, first_name=first, last_name=last))

    by_one_word = officer_client.get(register_url(paper_ballot, "QUADAXA")).context["results"]
    by_two_words = officer_client.get(register_url(paper_ballot, "quadaxa loveq")).context["results"]

    assert {entry.member.last_name for entry in by_one_word} == {"Lovequist", "Smithquist"}
    assert [entry.member.last_name for entry in by_two_words] == ["Lovequist"]


def test_a_search_shows_at_most_fifty_members_and_says_there_are_more(officer_client, paper_ballot):
    ward = paper_ballot.roll.first().ward
    for i in range(SEARCH_LIMIT + 2):
        RollEntryFactory(ballot=paper_ballot, member=MemberFactory(ward=ward, last_name=f"Zzjones{i:02}"))

    response = officer_client.get(register_url(paper_ballot, "zzjones"))

    assert len(response.context["results"]) == SEARCH_LIMIT
    assert response.context["more"]
    assert "search more closely" in response.content.decode()


def test_each_result_offers_one_button_per_open_channel_in_plain_words(officer_client, paper_ballot, voters):
    TriggerBallot.objects.filter(pk=paper_ballot.pk).update(meeting_voting=False)

    page = officer_client.get(register_url(paper_ballot, voters[0].membership_number)).content.decode()

    assert "Mark as voted by post or on paper" in page
    assert "Mark as voted at a branch meeting" not in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_one_click_marks_the_member_and_comes_back_to_the_search_with_a_message(
    officer_client, paper_ballot, voters, officer
):
    voter = voters[0]

    response = officer_client.post(register_url(paper_ballot), mark_data(voter, "meeting", voter.membership_number))

    assert response.status_code == 302
    assert response["Location"] == register_url(paper_ballot, voter.membership_number)
    entry = RollEntry.objects.get(pk=voter.entry.pk)
    assert (entry.vote_channel, entry.marked_by) == ("meeting", officer)
    assert entry.marked_session != ""
    page = officer_client.get(response["Location"]).content.decode()
    assert "as having voted at a branch meeting" in page
    assert "At a branch meeting" in page  # the result's Voted column


def test_a_second_click_says_the_member_has_already_voted(officer_client, paper_ballot, voters):
    voter = voters[0]
    officer_client.post(register_url(paper_ballot), mark_data(voter))

    response = officer_client.post(register_url(paper_ballot), mark_data(voter, "meeting"), follow=True)

    assert "has already voted by post or on paper" in response.content.decode()
    assert RollEntry.objects.get(pk=voter.entry.pk).vote_channel == "paper"


@pytest.mark.parametrize(
    "data", [{"entry": "x", "channel": "paper"}, {"entry": "1", "channel": "online"}, {"channel": "paper"}]
)
def test_a_mark_sent_wrong_is_a_400_with_a_clear_message_and_marks_nobody(officer_client, paper_ballot, data):
    response = officer_client.post(register_url(paper_ballot), data)

    assert response.status_code == 400
    assert "That click could not be read" in response.content.decode()
    assert not RollEntry.objects.filter(ballot=paper_ballot, has_voted=True).exists()


def test_a_draft_ballot_says_why_nobody_can_be_marked_and_refuses_the_click(officer_client, paper_ballot, voters):
    TriggerBallot.objects.filter(pk=paper_ballot.pk).update(status="draft", seal_public_key="")

    page = officer_client.get(register_url(paper_ballot, voters[0].membership_number)).content.decode()
    response = officer_client.post(register_url(paper_ballot), mark_data(voters[0]), follow=True)

    assert "still a draft" in page
    assert "Mark as voted" not in page
    assert "still a draft" in response.content.decode()
    assert not RollEntry.objects.get(pk=voters[0].entry.pk).has_voted


def test_the_page_lists_this_sessions_marks_with_undo_links_and_counts_per_channel(
    officer_client, paper_ballot, voters
):
    officer_client.post(register_url(paper_ballot), mark_data(voters[0], "paper"))
    officer_client.post(register_url(paper_ballot), mark_data(voters[1], "meeting"))

    response = officer_client.get(register_url(paper_ballot))

    assert {entry.pk for entry, _when in response.context["recent"]} == {voters[0].entry.pk, voters[1].entry.pk}
    assert response.context["counts"] == [("By post or on paper", 1), ("At a branch meeting", 1)]
    page = response.content.decode()
    assert undo_url(paper_ballot, voters[0]) in page
    assert " GMT" in page or " BST" in page  # when, with the zone named


def test_another_session_of_the_same_officer_sees_no_marks_to_undo(client, paper_ballot, voters, officer):
    client.force_login(officer)
    client.post(register_url(paper_ballot), mark_data(voters[0]))
    client.logout()
    client.force_login(officer)

    response = client.get(register_url(paper_ballot))

    assert response.context["recent"] == []
    assert response.context["counts"][0] == ("By post or on paper", 1)


def test_undo_asks_for_a_reason_then_undoes_and_comes_back(officer_client, paper_ballot, voters, officer):
    voter = voters[0]
    officer_client.post(register_url(paper_ballot), mark_data(voter))

    form = officer_client.get(undo_url(paper_ballot, voter))
    empty = officer_client.post(undo_url(paper_ballot, voter), {"reason": ""})
    done = officer_client.post(undo_url(paper_ballot, voter), {"reason": "Marked the wrong Smith"})

    assert form.status_code == 200
    assert "Why is this mark being undone?" in form.content.decode()
    assert empty.status_code == 400
    assert "Say why the mark is being undone." in empty.content.decode()
    assert done.status_code == 302
    assert done["Location"] == register_url(paper_ballot)
    assert not RollEntry.objects.get(pk=voter.entry.pk).has_voted
    assert AuditEvent.objects.get(action="vote_mark_undone").detail["reason"] == "Marked the wrong Smith"


def test_undo_from_another_login_session_is_refused_with_a_message(client, paper_ballot, voters, officer):
    voter = voters[0]
    client.force_login(officer)
    client.post(register_url(paper_ballot), mark_data(voter))
    client.logout()
    client.force_login(officer)

    response = client.post(undo_url(paper_ballot, voter), {"reason": "Oops"}, follow=True)

    assert "only in the login session it was made in" in response.content.decode()
    assert RollEntry.objects.get(pk=voter.entry.pk).has_voted


def test_undo_of_an_entry_on_another_ballot_is_404(officer_client, paper_ballot, constituency):
    from tests.factories import open_ballot_with_voters

    _other, [stranger] = open_ballot_with_voters(constituency, voters=1)

    assert officer_client.get(undo_url(paper_ballot, stranger)).status_code == 404


@pytest.mark.parametrize("extra", [0, 40])
def test_the_register_page_runs_a_constant_number_of_queries(
    officer_client, paper_ballot, voters, django_assert_num_queries, extra
):
    ward = paper_ballot.roll.first().ward
    for i in range(extra):
        RollEntryFactory(ballot=paper_ballot, member=MemberFactory(ward=ward, last_name=f"Zzbrown{i:02}"))
    for voter in voters[:2]:
        officer_client.post(register_url(paper_ballot), mark_data(voter))
    officer_client.get(register_url(paper_ballot))  # the messages of the marks, read once

    # Session, user, permissions (2), ballot (1), officer check (1), search (1), this session's
    # marks (1), counts (1). No write.
    with django_assert_num_queries(9):
        response = officer_client.get(register_url(paper_ballot, "zzbrown"))

    assert len(response.context["results"]) == extra

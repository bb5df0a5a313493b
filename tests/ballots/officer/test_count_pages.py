"""The count page: after voting closes, the ballot's key (or two shares) counts the sealed votes; a wrong
key counts nothing; the page says who holds the key and what losing it means; only the constituency's
officers get in."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ballots.models import SealedVote, TriggerBallot, WardVoteCount
from ballots.officer.services import LOST_KEY_ADVICE
from ballots.sealing import ballot_key_generate, key_fingerprint, key_share_texts, key_text
from tests.factories import BALLOT_KEY, BALLOT_PUBLIC_KEY, UserFactory, make_ballot_with_votes

Status = TriggerBallot.Status


def count_url(ballot):
    return reverse("ballots:ballot_count", args=[ballot.pk])


@pytest.fixture
def sealed_ballot(constituency):
    """A closed ballot of `constituency` whose 85 votes are still sealed."""
    return make_ballot_with_votes(constituency=constituency, status=Status.CLOSED, counted_at=None)


def mistyped(text):
    """`text` with its last character changed, as a slip of the finger would."""
    return text[:-1] + ("Z" if text[-1] != "Z" else "Y")


def nothing_counted(ballot, sealed=85):
    ballot.refresh_from_db()
    return (
        ballot.counted_at is None
        and SealedVote.objects.filter(ballot=ballot).count() == sealed
        and not WardVoteCount.objects.filter(ballot=ballot).exists()
    )


def test_the_page_shows_the_keys_fingerprint_the_form_and_the_lost_key_outcome(officer_client, sealed_ballot):
    response = officer_client.get(count_url(sealed_ballot))

    text = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert key_fingerprint(BALLOT_PUBLIC_KEY) in text
    assert "the officer who opened the ballot, as one key" in text
    assert LOST_KEY_ADVICE.replace("'", "&#x27;") in text
    assert '<label for="id_key_text">' in text and '<label for="id_key_files">' in text
    assert '<input type="file" name="key_files" accept=".txt,text/plain" multiple' in text


def test_the_results_page_of_sealed_votes_leads_to_the_count(officer_client, sealed_ballot):
    response = officer_client.get(reverse("ballots:results", args=[sealed_ballot.pk]))

    assert f'href="{count_url(sealed_ballot)}"' in response.content.decode()
    assert officer_client.get(count_url(sealed_ballot)).status_code == 200


def test_the_page_names_the_trustees_of_the_shares(officer_client, sealed_ballot):
    TriggerBallot.objects.filter(pk=sealed_ballot.pk).update(
        key_custody="shares", key_holders=["Jo Returning", "Kent Region", "Sam Scrutineer"]
    )

    text = officer_client.get(count_url(sealed_ballot)).content.decode()

    assert "any two of whom open the votes" in text
    assert "share 2 of 3: Kent Region" in text


def test_the_right_key_counts_the_votes_and_the_result_is_there_for_the_officer(officer_client, sealed_ballot, officer):
    response = officer_client.post(count_url(sealed_ballot), {"key_text": key_text(BALLOT_KEY)}, follow=True)

    assert response.redirect_chain == [(reverse("ballots:results", args=[sealed_ballot.pk]), 302)]
    assert "85 votes counted" in response.content.decode()
    assert "ballots/results/detail.html" in [template.name for template in response.templates]
    sealed_ballot.refresh_from_db()
    assert sealed_ballot.counted_by == officer
    assert sealed_ballot.status == Status.CLOSED
    assert sorted(WardVoteCount.objects.values_list("reselect", "open")) == [(10, 25), (30, 20)]
    assert not SealedVote.objects.filter(ballot=sealed_ballot).exists()


def test_the_number_counted_has_thousands_separators(officer_client, constituency):
    ballot = make_ballot_with_votes(
        constituency=constituency, wards=(("Barton", 700, 400, 1100),), status=Status.CLOSED, counted_at=None
    )

    response = officer_client.post(count_url(ballot), {"key_text": key_text(BALLOT_KEY)}, follow=True)

    assert "1,100 votes counted" in response.content.decode()


def test_two_shares_count_the_votes(officer_client, sealed_ballot):
    shares = key_share_texts(BALLOT_KEY)

    response = officer_client.post(count_url(sealed_ballot), {"key_text": f"{shares[0]}\n\n{shares[2]}"})

    assert response.status_code == 302
    sealed_ballot.refresh_from_db()
    assert sealed_ballot.counted_at is not None


def test_the_saved_key_file_counts_the_votes(officer_client, sealed_ballot):
    upload = SimpleUploadedFile("ballot-key.txt", f"The key:\n{key_text(BALLOT_KEY)}\n".encode())

    response = officer_client.post(count_url(sealed_ballot), {"key_files": [upload]})

    assert response.status_code == 302
    sealed_ballot.refresh_from_db()
    assert sealed_ballot.counted_at is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"key_text": key_text(ballot_key_generate())}, "That is not this ballot&#x27;s key"),
        ({"key_text": key_share_texts(BALLOT_KEY)[1]}, "Only share 2 was entered"),
        ({"key_text": mistyped(key_text(BALLOT_KEY))}, "has a mistake in it"),
        ({"key_text": ""}, "Enter the ballot&#x27;s key or two of its shares"),
    ],
)
def test_a_wrong_key_counts_nothing_and_says_why(officer_client, sealed_ballot, data, message):
    response = officer_client.post(count_url(sealed_ballot), data)

    text = response.content.decode()
    assert response.status_code == 400
    assert message in text
    assert "There is a problem" in text and "Nothing has been counted." in text
    assert 'name="key_text"' in text
    assert nothing_counted(sealed_ballot)


def test_an_oversized_upload_counts_nothing(officer_client, sealed_ballot):
    huge = SimpleUploadedFile("video.txt", b"0" * (5 * 1024 * 1024))

    response = officer_client.post(count_url(sealed_ballot), {"key_files": [huge]})

    assert response.status_code == 400
    assert "video.txt is larger than 20 KB" in response.content.decode()
    assert nothing_counted(sealed_ballot)


def test_altered_sealed_votes_count_nothing(officer_client, sealed_ballot):
    vote = SealedVote.objects.filter(ballot=sealed_ballot).first()
    vote.sealed = bytes([vote.sealed[0] ^ 1]) + bytes(vote.sealed[1:])
    vote.save()

    response = officer_client.post(count_url(sealed_ballot), {"key_text": key_text(BALLOT_KEY)})

    assert response.status_code == 400
    assert "the stored votes have been altered" in response.content.decode()
    assert nothing_counted(sealed_ballot)


def test_an_open_ballot_is_not_counted_until_it_closes(officer_client, open_ballot):
    page = officer_client.get(count_url(open_ballot))
    posted = officer_client.post(count_url(open_ballot), {"key_text": key_text(BALLOT_KEY)})

    assert page.status_code == 200
    assert "Votes are counted once voting has closed" in page.content.decode()
    assert 'name="key_text"' not in page.content.decode()
    assert posted.status_code == 400
    open_ballot.refresh_from_db()
    assert open_ballot.status == Status.OPEN and open_ballot.counted_at is None


def test_an_open_ballot_past_its_closing_time_is_closed_and_counted(officer_client, open_ballot):
    TriggerBallot.objects.filter(pk=open_ballot.pk).update(
        opens_at=timezone.now() - dt.timedelta(hours=3), closes_at=timezone.now() - dt.timedelta(hours=1)
    )

    response = officer_client.post(count_url(open_ballot), {"key_text": key_text(BALLOT_KEY)}, follow=True)

    assert "0 votes counted" in response.content.decode()
    open_ballot.refresh_from_db()
    assert open_ballot.status == Status.CLOSED and open_ballot.counted_at is not None


def test_a_counted_ballot_says_so_and_links_to_its_result(officer_client, sealed_ballot):
    officer_client.post(count_url(sealed_ballot), {"key_text": key_text(BALLOT_KEY)})

    page = officer_client.get(count_url(sealed_ballot))
    again = officer_client.post(count_url(sealed_ballot), {"key_text": key_text(BALLOT_KEY)})

    assert "already been counted" in page.content.decode()
    assert f'href="{reverse("ballots:results", args=[sealed_ballot.pk])}"' in page.content.decode()
    assert again.status_code == 400


def test_the_dashboard_offers_the_count_only_while_the_votes_are_sealed(officer_client, sealed_ballot):
    dashboard = reverse("ballots:ballot_manage", args=[sealed_ballot.pk])
    before = officer_client.get(dashboard).content.decode()
    officer_client.post(count_url(sealed_ballot), {"key_text": key_text(BALLOT_KEY)})
    after = officer_client.get(dashboard).content.decode()

    assert f'<a class="button" href="{count_url(sealed_ballot)}">Count the votes</a>' in before
    assert "Votes are sealed until counted with the ballot's key" in before
    assert reverse("ballots:ballot_declare_confirm", args=[sealed_ballot.pk]) not in before
    assert count_url(sealed_ballot) not in after
    assert reverse("ballots:ballot_declare_confirm", args=[sealed_ballot.pk]) in after


# Who may


def test_anonymous_visitors_are_sent_to_log_in(client, sealed_ballot):
    for response in (client.get(count_url(sealed_ballot)), client.post(count_url(sealed_ballot), {"key_text": "x"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert nothing_counted(sealed_ballot)


def test_officers_of_another_constituency_and_other_users_get_403(client, sealed_ballot, other_officer):
    for user in (other_officer, UserFactory(username="nosy")):
        client.force_login(user)
        assert client.get(count_url(sealed_ballot)).status_code == 403
        assert client.post(count_url(sealed_ballot), {"key_text": key_text(BALLOT_KEY)}).status_code == 403
    assert nothing_counted(sealed_ballot)


def test_counting_needs_the_csrf_token(officer, sealed_ballot):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    assert client.post(count_url(sealed_ballot), {"key_text": key_text(BALLOT_KEY)}).status_code == 403
    page = client.get(count_url(sealed_ballot))
    response = client.post(
        count_url(sealed_ballot),
        {"key_text": key_text(BALLOT_KEY), "csrfmiddlewaretoken": str(page.context["csrf_token"])},
    )
    assert response.status_code == 302

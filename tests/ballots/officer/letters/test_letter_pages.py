"""The letters pages: asking for a pack, the one download (a second finds a clear 410), bad
input answered with a form error, and the pages for the ballot's officers only."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ballots.models import LetterPack, RollEntry

pytestmark = pytest.mark.django_db


def ask(client, ballot, capture, **data):
    with capture(execute=True):
        return client.post(reverse("ballots:letters_request", args=[ballot.pk]), data, follow=True)


def test_the_codes_page_links_to_the_letters_page(officer_client, open_ballot):
    page = officer_client.get(reverse("ballots:ballot_codes", args=[open_ballot.pk])).content.decode()

    assert f'href="{reverse("ballots:letters", args=[open_ballot.pk])}"' in page


def test_asking_for_the_default_pack_makes_it_and_offers_its_download(
    officer_client, open_ballot, without_email, django_capture_on_commit_callbacks
):
    response = ask(officer_client, open_ballot, django_capture_on_commit_callbacks, selection="no_email")

    # The redirect is followed before the task runs (after the request's commit): "being made".
    assert "A pack of 3 letters is being made." in response.content.decode()
    pack = LetterPack.objects.get()
    assert pack.state == "ready"
    page = officer_client.get(reverse("ballots:letters", args=[open_ballot.pk])).content.decode()
    assert "Ready to download" in page
    assert reverse("ballots:letters_download", args=[open_ballot.pk, pack.pk]) in page


def test_the_pack_downloads_once_as_a_pdf_and_a_second_download_says_it_is_gone(
    officer_client, open_ballot, without_email, django_capture_on_commit_callbacks
):
    ask(officer_client, open_ballot, django_capture_on_commit_callbacks, selection="no_email")
    pack = LetterPack.objects.get()
    url = reverse("ballots:letters_download", args=[open_ballot.pk, pack.pk])

    first = officer_client.post(url)

    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first["Cache-Control"] == "no-store"
    assert "attachment" in first["Content-Disposition"]
    reader = PdfReader(io.BytesIO(first.content))
    assert len(reader.pages) == 3
    assert all(len(page.images) == 1 for page in reader.pages)  # the QR code of the link
    pack.refresh_from_db()
    assert bytes(pack.pdf) == b""

    second = officer_client.post(url)

    assert second.status_code == 410
    assert "downloaded already" in second.content.decode()


def test_downloading_is_never_done_by_a_get(
    officer_client, open_ballot, without_email, django_capture_on_commit_callbacks
):
    ask(officer_client, open_ballot, django_capture_on_commit_callbacks, selection="no_email")
    pack = LetterPack.objects.get()

    response = officer_client.get(reverse("ballots:letters_download", args=[open_ballot.pk, pack.pk]))

    assert response.status_code == 405
    pack.refresh_from_db()
    assert pack.state == "ready"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"selection": "member", "membership_number": ""}, "Enter the membership number"),
        ({"selection": "everybody"}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_form_error_not_a_pack(officer_client, open_ballot, data, words):
    response = officer_client.post(reverse("ballots:letters_request", args=[open_ballot.pk]), data)

    assert response.status_code == 400
    assert words in response.content.decode()
    assert not LetterPack.objects.exists()


def test_a_number_not_on_the_roll_is_refused_in_words(officer_client, open_ballot, django_capture_on_commit_callbacks):
    response = ask(
        officer_client, open_ballot, django_capture_on_commit_callbacks, selection="member", membership_number="X1"
    )

    assert "Nobody yet to vote has that membership number" in response.content.decode()
    assert not LetterPack.objects.exists()


def test_another_constituencys_officer_gets_403_and_changes_nothing(
    client, officer_client, open_ballot, other_officer, without_email, django_capture_on_commit_callbacks
):
    ask(officer_client, open_ballot, django_capture_on_commit_callbacks, selection="no_email")
    pack = LetterPack.objects.get()
    client.force_login(other_officer)

    assert client.get(reverse("ballots:letters", args=[open_ballot.pk])).status_code == 403
    assert client.post(reverse("ballots:letters_request", args=[open_ballot.pk]), {}).status_code == 403
    assert client.post(reverse("ballots:letters_download", args=[open_ballot.pk, pack.pk])).status_code == 403
    pack.refresh_from_db()
    assert pack.state == "ready" and bytes(pack.pdf)
    assert LetterPack.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, open_ballot):
    response = client.get(reverse("ballots:letters", args=[open_ballot.pk]))

    assert response.status_code == 302
    assert not RollEntry.objects.filter(ballot=open_ballot, delivery_channel="letter").exists()

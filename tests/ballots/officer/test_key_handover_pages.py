"""Opening a ballot hands over its key: the key (or three shares) is shown once and never stored, and the
ballot opens only when the officer enters it back; a wrong key, too few shares, a tampered or expired
token and an oversized file each get a clear refusal and open nothing."""

import io
import time
import urllib.parse

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ballots.models import RollEntry, TriggerBallot
from ballots.officer.key_forms import HANDOVER_SALT
from ballots.sealing import key_fingerprint, key_recover, key_text, public_key_of
from members.models import AuditEvent
from tests.factories import BALLOT_KEY, OfficerFactory, TriggerBallotFactory

CONFIRM = {"confirm": "yes"}
TRUSTEES = {"holder_1": "Jo Returning", "holder_2": "Kent Region", "holder_3": "Sam Scrutineer"}


def open_url(ballot):
    return reverse("ballots:ballot_open", args=[ballot.pk])


def open_key_url(ballot):
    return reverse("ballots:ballot_open_key", args=[ballot.pk])


def key_page(client, ballot, **custody):
    """The key's page, as it follows the open confirmation page."""
    return client.post(open_url(ballot), {**CONFIRM, "key_custody": "whole", **custody})


def token_of(page):
    return page.context["form"]["token"].value()


def texts_of(page):
    return [block.text for block in page.context["key_blocks"]]


def saved_file(block):
    """The text file a block's download link saves."""
    prefix = "data:text/plain;charset=utf-8,"
    assert block.file_href.startswith(prefix)
    return urllib.parse.unquote(block.file_href[len(prefix) :])


def enter_key(client, ballot, token, *, kept=True, follow=False, **values):
    data = {"token": token, **values}
    if kept:
        data["kept"] = "on"
    return client.post(open_key_url(ballot), data, follow=follow)


def stored_everywhere():
    """Every row of every table, as dumpdata writes it."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def still_draft(ballot):
    ballot.refresh_from_db()
    return ballot.status == "draft" and ballot.seal_public_key == "" and not RollEntry.objects.exists()


# The confirmation page


def test_the_open_page_asks_who_keeps_the_key_with_the_trustees_prefilled(officer_client, draft_ballot):
    response = officer_client.get(reverse("ballots:ballot_open_confirm", args=[draft_ballot.pk]))

    text = response.content.decode()
    assert "One key, kept by me" in text
    assert "Three shares for trustees, any two of which open the votes" in text
    for number, name in enumerate(("Returning officer", "Regional office", "Scrutineer"), start=1):
        assert f'<label for="id_holder_{number}">Trustee holding share {number}</label>' in text
        assert f'value="{name}"' in text
    assert "After voting closes, the votes are counted by entering the key" in text


def test_shares_need_every_trustee_named_and_short_enough(officer_client, draft_ballot):
    unnamed = key_page(officer_client, draft_ballot, key_custody="shares", holder_1="A", holder_2=" ", holder_3="C")
    too_long = key_page(officer_client, draft_ballot, key_custody="shares", **{**TRUSTEES, "holder_3": "x" * 101})
    no_choice = officer_client.post(open_url(draft_ballot), CONFIRM)

    assert unnamed.status_code == too_long.status_code == no_choice.status_code == 400
    assert "Name the trustee who will hold share 2." in unnamed.content.decode()
    assert "There is a problem" in unnamed.content.decode()
    assert "at most 100 characters" in too_long.content.decode()
    assert "Choose who keeps the ballot" in no_choice.content.decode()
    assert still_draft(draft_ballot)


# The key's page


def test_the_key_page_shows_the_key_once_and_opens_nothing(officer_client, draft_ballot):
    page = key_page(officer_client, draft_ballot)

    text = page.content.decode()
    [key] = texts_of(page)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert key in text
    assert "nobody can ever count the votes" in text
    assert "The site keeps no copy" in text
    assert key_fingerprint(public_key_of(key_recover([key]))) in text
    assert f'download="ballot-{draft_ballot.pk}-key.txt"' in text
    assert 'name="kept"' in text and 'type="file"' in text and 'enctype="multipart/form-data"' in text
    assert still_draft(draft_ballot)


def test_no_table_holds_the_key_after_its_page_is_shown(officer_client, draft_ballot):
    whole = texts_of(key_page(officer_client, draft_ballot))
    shares = texts_of(key_page(officer_client, draft_ballot, key_custody="shares", **TRUSTEES))

    stored = stored_everywhere()
    for text in [*whole, *shares]:
        assert text not in stored
        assert text.replace("-", "") not in stored
    assert key_recover(whole).hex() not in stored
    assert key_recover(shares[:2]).hex() not in stored


def test_the_token_carries_the_public_half_and_never_the_private_one(officer_client, draft_ballot):
    page = key_page(officer_client, draft_ballot)

    payload = signing.loads(token_of(page), salt=HANDOVER_SALT)
    private = key_recover(texts_of(page))
    assert set(payload) == {"ballot", "public_key", "custody", "holders", "user"}
    assert payload["public_key"] == public_key_of(private)
    assert (payload["ballot"], payload["custody"], payload["holders"]) == (draft_ballot.pk, "whole", [])


def test_the_saved_key_file_names_the_ballot_and_opens_it(officer_client, draft_ballot):
    page = key_page(officer_client, draft_ballot)
    [block] = page.context["key_blocks"]
    content = saved_file(block)

    assert block.text in content
    assert "Sitting MP: Rosie Duffield" in content and "Constituency: Canterbury" in content
    assert key_fingerprint(public_key_of(key_recover([block.text]))) in content
    assert "if the key is lost, nobody can ever count this ballot" in content
    assert key_recover([content]) == key_recover([block.text])

    upload = SimpleUploadedFile(block.filename, content.encode(), content_type="text/plain")
    response = enter_key(officer_client, draft_ballot, token_of(page), key_files=[upload])

    assert response.status_code == 302
    draft_ballot.refresh_from_db()
    assert draft_ballot.status == "open"


# Entering it back


def test_entering_the_key_back_opens_the_ballot_sealed_to_it(officer_client, draft_ballot, officer):
    page = key_page(officer_client, draft_ballot)
    [key] = texts_of(page)

    response = enter_key(officer_client, draft_ballot, token_of(page), key_text=key.lower())

    public = public_key_of(key_recover([key]))
    assert response.status_code == 302
    assert response["Location"] == reverse("ballots:ballot_manage", args=[draft_ballot.pk])
    draft_ballot.refresh_from_db()
    assert (draft_ballot.status, draft_ballot.seal_public_key, draft_ballot.key_custody) == ("open", public, "whole")
    assert RollEntry.objects.filter(ballot=draft_ballot).count() == 9
    assert AuditEvent.objects.get(action="ballot_opened").actor == officer
    dashboard = officer_client.get(response["Location"]).content.decode()
    assert f"its votes sealed to key {key_fingerprint(public)}" in dashboard


def test_three_shares_are_shown_with_their_trustees_and_any_two_open_the_ballot(officer_client, draft_ballot):
    page = key_page(officer_client, draft_ballot, key_custody="shares", **TRUSTEES)
    text = page.content.decode()
    blocks = page.context["key_blocks"]

    assert [block.holder for block in blocks] == ["Jo Returning", "Kent Region", "Sam Scrutineer"]
    for number, block in enumerate(blocks, start=1):
        assert f"Share {number} of 3: for {block.holder}" in text
        assert block.text in text
        assert f'download="ballot-{draft_ballot.pk}-key-share-{number}.txt"' in text
        assert f"Trustee: {block.holder}\n\nShare {number} of 3:\n{block.text}\n" in saved_file(block)
    response = enter_key(officer_client, draft_ballot, token_of(page), key_text=f"{blocks[2].text}\n{blocks[0].text}")

    assert response.status_code == 302
    draft_ballot.refresh_from_db()
    assert draft_ballot.key_custody == "shares"
    assert draft_ballot.key_holders == ["Jo Returning", "Kent Region", "Sam Scrutineer"]
    assert draft_ballot.seal_public_key == public_key_of(key_recover([blocks[0].text, blocks[1].text]))


def test_two_share_files_uploaded_open_the_ballot(officer_client, draft_ballot):
    page = key_page(officer_client, draft_ballot, key_custody="shares", **TRUSTEES)
    files = [
        SimpleUploadedFile(block.filename, saved_file(block).encode(), content_type="text/plain")
        for block in page.context["key_blocks"][1:]
    ]

    response = enter_key(officer_client, draft_ballot, token_of(page), key_files=files)

    assert response.status_code == 302
    draft_ballot.refresh_from_db()
    assert draft_ballot.status == "open"


@pytest.mark.parametrize(
    ("entered", "message"),
    [
        (lambda texts: key_text(BALLOT_KEY), "That is not the key shown for this ballot"),
        (lambda texts: "", "Enter the ballot&#x27;s key or two of its shares"),
        (lambda texts: texts[0][:-1] + ("0" if texts[0][-1] != "0" else "1"), "has a mistake in it"),
    ],
)
def test_a_wrong_or_mistyped_key_opens_nothing(officer_client, draft_ballot, entered, message):
    page = key_page(officer_client, draft_ballot)

    response = enter_key(officer_client, draft_ballot, token_of(page), key_text=entered(texts_of(page)))

    text = response.content.decode()
    assert response.status_code == 400
    assert message in text
    assert "There is a problem" in text
    assert "The key is not shown again" in text
    assert response["Cache-Control"] == "no-store"
    assert still_draft(draft_ballot)


def test_one_share_alone_opens_nothing(officer_client, draft_ballot):
    page = key_page(officer_client, draft_ballot, key_custody="shares", **TRUSTEES)

    response = enter_key(officer_client, draft_ballot, token_of(page), key_text=texts_of(page)[1])

    assert response.status_code == 400
    assert "Only share 2 was entered: two different shares are needed" in response.content.decode()
    assert still_draft(draft_ballot)


def test_the_box_must_be_ticked(officer_client, draft_ballot):
    page = key_page(officer_client, draft_ballot)

    response = enter_key(officer_client, draft_ballot, token_of(page), kept=False, key_text=texts_of(page)[0])

    assert response.status_code == 400
    assert "Tick the box to confirm that you have kept the key safe." in response.content.decode()
    assert still_draft(draft_ballot)


def test_an_oversized_or_binary_upload_is_refused_clearly(officer_client, draft_ballot):
    page = key_page(officer_client, draft_ballot)
    huge = SimpleUploadedFile("photo.txt", b"A" * (20 * 1024 + 1), content_type="text/plain")
    binary = SimpleUploadedFile("key.txt", b"\xff\xfe\x00\x81" * 10, content_type="text/plain")

    too_big = enter_key(officer_client, draft_ballot, token_of(page), key_files=[huge])
    not_text = enter_key(officer_client, draft_ballot, token_of(page), key_files=[binary])

    assert too_big.status_code == not_text.status_code == 400
    assert "photo.txt is larger than 20 KB" in too_big.content.decode()
    assert "key.txt is not a text file" in not_text.content.decode()
    assert still_draft(draft_ballot)


def test_a_tampered_token_or_one_for_another_ballot_says_start_again(officer_client, draft_ballot, constituency):
    page = key_page(officer_client, draft_ballot)
    key = texts_of(page)[0]
    other = TriggerBallotFactory(constituency=constituency)
    other_page = key_page(officer_client, other)
    tampered = token_of(page)[:-2] + ("AA" if not token_of(page).endswith("AA") else "BB")

    for token in (tampered, "not a token", token_of(other_page), ""):
        response = enter_key(officer_client, draft_ballot, token, key_text=key)
        text = response.content.decode()
        assert response.status_code == 400, token
        assert "Start again" in text
        assert f'href="{reverse("ballots:ballot_open_confirm", args=[draft_ballot.pk])}"' in text
    assert still_draft(draft_ballot)


def test_a_token_over_an_hour_old_has_expired(officer_client, draft_ballot, monkeypatch):
    made_at = time.time() - 3601
    with monkeypatch.context() as patched:
        patched.setattr("django.core.signing.time.time", lambda: made_at)
        page = key_page(officer_client, draft_ballot)

    response = enter_key(officer_client, draft_ballot, token_of(page), key_text=texts_of(page)[0])

    assert response.status_code == 400
    assert "more than an hour old" in response.content.decode()
    assert still_draft(draft_ballot)


def test_another_officer_cannot_use_the_token(officer_client, draft_ballot, constituency):
    page = key_page(officer_client, draft_ballot)
    colleague = Client()
    colleague.force_login(OfficerFactory(username="colleague", constituencies=[constituency]))

    response = enter_key(colleague, draft_ballot, token_of(page), key_text=texts_of(page)[0])

    assert response.status_code == 400
    assert still_draft(draft_ballot)


def test_a_ballot_opened_meanwhile_is_not_opened_twice(officer_client, draft_ballot):
    first = key_page(officer_client, draft_ballot)
    second = key_page(officer_client, draft_ballot)
    enter_key(officer_client, draft_ballot, token_of(first), key_text=texts_of(first)[0])

    response = enter_key(officer_client, draft_ballot, token_of(second), key_text=texts_of(second)[0], follow=True)

    assert "already been opened" in response.content.decode()
    draft_ballot.refresh_from_db()
    assert draft_ballot.seal_public_key == public_key_of(key_recover(texts_of(first)))
    assert AuditEvent.objects.filter(action="ballot_opened").count() == 1


# Who may, and forged requests


def test_the_key_page_and_opening_need_the_csrf_token(officer, draft_ballot):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    assert client.post(open_url(draft_ballot), {**CONFIRM, "key_custody": "whole"}).status_code == 403
    assert client.post(open_key_url(draft_ballot), {"kept": "on"}).status_code == 403
    assert still_draft(draft_ballot)


def test_only_the_constituencys_officers_reach_the_key_pages(client, draft_ballot, other_officer):
    for url in (open_url(draft_ballot), open_key_url(draft_ballot)):
        anonymous = client.post(url, {**CONFIRM, "key_custody": "whole"})
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith(reverse("login"))
    client.force_login(other_officer)
    for url in (open_url(draft_ballot), open_key_url(draft_ballot)):
        assert client.post(url, {**CONFIRM, "key_custody": "whole"}).status_code == 403
    assert client.get(open_key_url(draft_ballot)).status_code == 403
    assert still_draft(draft_ballot)


def test_the_key_pages_answer_get_with_405(officer_client, draft_ballot):
    assert officer_client.get(open_url(draft_ballot)).status_code == 405
    assert officer_client.get(open_key_url(draft_ballot)).status_code == 405


def test_the_site_policy_lets_the_key_file_be_saved(officer_client, draft_ballot):
    page = key_page(officer_client, draft_ballot)

    policy = page["Content-Security-Policy"]
    # A download link is a navigation, which no fetch directive governs; a sandbox without
    # allow-downloads would block it.
    assert "sandbox" not in policy
    assert TriggerBallot.objects.get(pk=draft_ballot.pk).status == "draft"

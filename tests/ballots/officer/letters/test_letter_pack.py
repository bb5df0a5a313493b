"""Letter packs made by the worker: who is in them, what each page says, the code each carries
(and the one it replaces), the one download of a sealed PDF, and the deletion of packs left
behind."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from ballots.codes import voting_code_matches
from ballots.models import LetterPack, RollEntry
from ballots.officer import services
from ballots.officer.services import BallotStateError, LetterPackGone, code_letters, letter_pdf
from members.models import AuditEvent
from tests.ballots.officer.letters.conftest import page_code, pdf_pages

pytestmark = pytest.mark.django_db


def made_pack(ballot, actor, capture, **choice):
    """A pack asked for and made at once (the suite's task backend runs tasks when enqueued)."""
    with capture(execute=True):
        pack = services.letter_pack_request(ballot=ballot, actor=actor, **choice)
    pack.refresh_from_db()
    return pack


def test_the_default_pack_has_a_page_for_each_member_without_email_with_their_working_code(
    open_ballot, officer, without_email, django_capture_on_commit_callbacks
):
    pack = made_pack(open_ballot, officer, django_capture_on_commit_callbacks)

    assert (pack.state, pack.member_count) == ("ready", 3)
    pages = pdf_pages(services.letter_pack_download(pack=pack, actor=officer))
    assert len(pages) == 3
    for entry, text in zip(without_email, pages, strict=True):
        entry.refresh_from_db()
        code = page_code(text)
        assert voting_code_matches(ballot_id=open_ballot.pk, code=code, code_hash=entry.code_hash)
        link = services.personal_voting_link(ballot=open_ballot, membership_number=entry.membership_number, code=code)
        assert link in text.replace(" ", "")
        assert entry.ward.name in text
        assert f"Voting closes: {letter_pdf.uk_time(open_ballot.closes_at)} (UK time)" in text
        assert (entry.delivery_state, entry.delivery_channel) == ("sent", "letter")
        assert entry.code_issued_at == pack.built_at
    assert "Zoë Brontë" in pages[1]
    assert "Ada Lovelace" in pages[2]
    # The fonts embedded in the PDF print Welsh letters whole.
    assert "Siân Ŵyn" in pages[0]


def test_members_with_an_email_are_not_in_the_default_pack_and_keep_their_state(
    open_ballot, officer, without_email, django_capture_on_commit_callbacks
):
    made_pack(open_ballot, officer, django_capture_on_commit_callbacks)

    others = RollEntry.objects.filter(ballot=open_ballot).exclude(pk__in=[e.pk for e in without_email])
    assert others.count() == 6
    assert set(others.values_list("code_hash", "delivery_state")) == {("", "not_sent")}


def test_the_undelivered_pack_holds_those_whose_email_failed_or_bounced(
    open_ballot, officer, django_capture_on_commit_callbacks
):
    entries = list(RollEntry.objects.filter(ballot=open_ballot).select_related("member").order_by("pk"))
    RollEntry.objects.filter(pk=entries[0].pk).update(delivery_state="failed", delivery_channel="email")
    RollEntry.objects.filter(pk=entries[1].pk).update(delivery_state="bounced", delivery_channel="email")

    pack = made_pack(open_ballot, officer, django_capture_on_commit_callbacks, selection="undelivered")

    pages = pdf_pages(services.letter_pack_download(pack=pack, actor=officer))
    assert len(pages) == 2
    assert {entry.member.full_name for entry in entries[:2]} == {
        name for name in (e.member.full_name for e in entries) if any(name in text for text in pages)
    }
    assert RollEntry.objects.filter(ballot=open_ballot, delivery_channel="letter").count() == 2


def test_one_member_who_asked_gets_a_letter_whose_code_replaces_their_old_one(
    open_ballot, officer, django_capture_on_commit_callbacks
):
    issued = services.voting_codes_issue(ballot=open_ballot, actor=officer)
    entry, old_code = issued[4]

    pack = made_pack(
        open_ballot,
        officer,
        django_capture_on_commit_callbacks,
        selection="member",
        # As an officer might type it off a note: lower case, spaced.
        membership_number=" ".join(entry.membership_number.lower()),
    )

    assert pack.membership_number == entry.membership_number
    (text,) = pdf_pages(services.letter_pack_download(pack=pack, actor=officer))
    entry.refresh_from_db()
    assert entry.member.full_name in text
    assert voting_code_matches(ballot_id=open_ballot.pk, code=page_code(text), code_hash=entry.code_hash)
    assert not voting_code_matches(ballot_id=open_ballot.pk, code=old_code, code_hash=entry.code_hash)


def test_a_membership_number_not_on_the_roll_is_refused_in_words(open_ballot, officer):
    with pytest.raises(BallotStateError, match="Nobody yet to vote has that membership number"):
        services.letter_pack_request(ballot=open_ballot, actor=officer, selection="member", membership_number="NOPE")
    assert not LetterPack.objects.exists()


def test_a_second_pack_is_refused_while_one_waits_for_its_download(
    open_ballot, officer, without_email, django_capture_on_commit_callbacks
):
    made_pack(open_ballot, officer, django_capture_on_commit_callbacks)

    with pytest.raises(BallotStateError, match="download it first"):
        services.letter_pack_request(ballot=open_ballot, actor=officer)


def test_letters_are_refused_once_voting_has_closed(open_ballot, officer, without_email):
    services.ballot_close(ballot=open_ballot, actor=officer)

    with pytest.raises(BallotStateError, match="no more codes can be issued"):
        services.letter_pack_request(ballot=open_ballot, actor=officer)


def test_the_stored_pack_is_sealed_and_the_one_download_empties_it(
    open_ballot, officer, without_email, django_capture_on_commit_callbacks
):
    pack = made_pack(open_ballot, officer, django_capture_on_commit_callbacks)

    stored = bytes(pack.pdf)
    assert stored and not stored.startswith(b"%PDF")
    assert b"%PDF" not in stored
    pdf = services.letter_pack_download(pack=pack, actor=officer)
    assert pdf.startswith(b"%PDF")
    pack.refresh_from_db()
    assert (pack.state, bytes(pack.pdf), pack.downloaded_by) == ("downloaded", b"", officer)
    with pytest.raises(LetterPackGone, match="downloaded already"):
        services.letter_pack_download(pack=pack, actor=officer)


def test_the_making_and_the_download_are_audited_without_a_code(
    open_ballot, officer, without_email, django_capture_on_commit_callbacks
):
    pack = made_pack(open_ballot, officer, django_capture_on_commit_callbacks)
    codes = [page_code(text) for text in pdf_pages(services.letter_pack_download(pack=pack, actor=officer))]

    actions = list(AuditEvent.objects.filter(ballot_id=open_ballot.pk).values_list("action", flat=True))
    assert {"letter_pack_requested", "letter_pack_made", "letter_pack_downloaded"} <= set(actions)
    made = AuditEvent.objects.get(action="letter_pack_made")
    assert made.detail["members"] == 3
    text = repr(list(AuditEvent.objects.values()))
    assert not any(code in text or code.replace("-", "") in text for code in codes)


def test_a_pack_that_cannot_be_made_fails_and_changes_nobodys_code(
    open_ballot, officer, without_email, django_capture_on_commit_callbacks, monkeypatch
):
    issued = dict((entry.pk, code) for entry, code in services.voting_codes_issue(ballot=open_ballot, actor=officer))

    def broken(**kwargs):
        raise RuntimeError("no paper")

    monkeypatch.setattr(code_letters, "letters_pdf", broken)
    pack = made_pack(open_ballot, officer, django_capture_on_commit_callbacks)

    assert pack.state == "failed"
    assert "RuntimeError" in pack.failure
    for entry in without_email:
        entry.refresh_from_db()
        assert voting_code_matches(ballot_id=open_ballot.pk, code=issued[entry.pk], code_hash=entry.code_hash)
        assert entry.delivery_channel == "hand"


def test_close_due_ballots_deletes_a_pack_left_a_day_and_withdraws_its_codes(
    open_ballot, officer, without_email, django_capture_on_commit_callbacks
):
    pack = made_pack(open_ballot, officer, django_capture_on_commit_callbacks)
    LetterPack.objects.filter(pk=pack.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))

    call_command("close_due_ballots", verbosity=0)

    pack.refresh_from_db()
    assert (pack.state, bytes(pack.pdf)) == ("expired", b"")
    for entry in without_email:
        entry.refresh_from_db()
        assert (entry.code_hash, entry.delivery_state) == ("", "not_sent")
    assert AuditEvent.objects.get(action="letter_pack_expired").detail["codes_withdrawn"] == 3
    with pytest.raises(LetterPackGone, match="not downloaded within a day"):
        services.letter_pack_download(pack=pack, actor=officer)


def test_a_pack_younger_than_a_day_is_kept(open_ballot, officer, without_email, django_capture_on_commit_callbacks):
    pack = made_pack(open_ballot, officer, django_capture_on_commit_callbacks)
    LetterPack.objects.filter(pk=pack.pk).update(created_at=timezone.now() - dt.timedelta(hours=23))

    call_command("close_due_ballots", verbosity=0)

    pack.refresh_from_db()
    assert pack.state == "ready" and bytes(pack.pdf)


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (dt.datetime(2026, 6, 4, 16, 0, tzinfo=dt.UTC), "Thursday 4 June 2026, 17:00 BST"),
        (dt.datetime(2026, 12, 3, 17, 0, tzinfo=dt.UTC), "Thursday 3 December 2026, 17:00 GMT"),
    ],
)
def test_the_closing_time_is_written_in_uk_time_with_its_zone_named(moment, words):
    assert letter_pdf.uk_time(moment) == words

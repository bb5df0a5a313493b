"""A bilingual ballot's settings, emails, letters and ballot papers: both languages, Welsh first,
with Welsh dates in UK time; a ballot that is not bilingual is English alone, as before."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from pypdf import PdfReader

from ballots.language import TEXT_SEPARATOR
from ballots.officer.forms import BallotForm
from ballots.officer.services import BALLOT_FIELDS
from ballots.officer.services.ballot_paper_pdf import ballot_paper_text, ballot_papers_pdf
from ballots.officer.services.ballot_settings import ballot_settings_check
from ballots.officer.services.code_reminders import voting_code_reminder_message
from ballots.officer.services.letter_pdf import letters_pdf
from ballots.officer.services.voting_code_email import voting_code_message
from tests.factories import RollEntryFactory, TriggerBallotFactory, WardFactory

pytestmark = pytest.mark.django_db

CLOSES = timezone.make_aware(dt.datetime(2027, 6, 3, 21, 0))  # British Summer Time


def pdf_pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def entry(constituency):
    ballot = TriggerBallotFactory(constituency=constituency, bilingual=True, closes_at=CLOSES, status="open")
    return RollEntryFactory(ballot=ballot, ward=WardFactory(constituency=constituency, name="Abergele"))


def test_the_welsh_question_needs_a_bilingual_ballot():
    with pytest.raises(ValidationError) as refused:
        ballot_settings_check({"question_cy": "A ddylid ailddewis yr AS?", "bilingual": False})
    assert "question_cy" in refused.value.message_dict
    ballot_settings_check({"question_cy": "A ddylid ailddewis yr AS?", "bilingual": True})


def test_the_ballot_form_offers_the_bilingual_settings(constituency):
    assert {"bilingual", "question_en", "question_cy"} <= set(BALLOT_FIELDS)
    form = BallotForm()
    assert form.fields["bilingual"].label == "Welsh and English (a bilingual ballot)"
    assert form.fields["question_cy"].widget.attrs["lang"] == "cy"


def test_a_bilingual_ballots_email_carries_both_texts_welsh_first(entry):
    message = voting_code_message(ballot=entry.ballot, entry=entry, code="ABCD-EFGH-JKMN-PQRS")
    constituency = entry.ballot.constituency.name
    with translation.override("cy"):
        welsh_subject = translation.gettext("Your voting code: trigger ballot in %(constituency)s") % {
            "constituency": constituency
        }
    assert message.subject == f"{welsh_subject} / Your voting code: trigger ballot in {constituency}"
    welsh_body, english_body = message.body.split(TEXT_SEPARATOR)
    assert welsh_body.startswith(f"Annwyl {entry.member.first_name},")
    assert english_body.startswith(f"Dear {entry.member.first_name},")
    for body in (welsh_body, english_body):
        assert "ABCD-EFGH-JKMN-PQRS" in body and "Abergele" in body
    assert "Dydd Iau 3 Mehefin 2027, 21:00 BST" in welsh_body
    assert "Thursday 3 June 2027, 21:00 BST" in english_body
    assert "Mae eich pleidlais yn gyfrinachol" in welsh_body and "Your vote is secret" in english_body


def test_a_reminder_of_a_bilingual_ballot_carries_both_texts(entry):
    message = voting_code_reminder_message(ballot=entry.ballot, entry=entry, code="ABCD-EFGH-JKMN-PQRS")
    assert " / Reminder: you have not voted yet" in message.subject
    welsh_body, english_body = message.body.split(TEXT_SEPARATOR)
    assert "Nodyn atgoffa" in welsh_body and "This is a reminder" in english_body


def test_an_english_ballots_email_is_english_alone(entry):
    entry.ballot.bilingual = False
    message = voting_code_message(ballot=entry.ballot, entry=entry, code="ABCD-EFGH-JKMN-PQRS")
    assert TEXT_SEPARATOR not in message.body and "/" not in message.subject
    assert message.body.startswith("Dear ")


def test_a_bilingual_ballots_letter_is_a_welsh_page_then_an_english_page(entry):
    pages = pdf_pages(letters_pdf(ballot=entry.ballot, letters=[(entry, "ABCD-EFGH-JKMN-PQRS")]))
    assert len(pages) == 2
    welsh_page, english_page = pages
    assert "Sut i bleidleisio, mewn tri cham" in welsh_page and "How to vote, in three steps" in english_page
    assert all("ABCD-EFGH-JKMN-PQRS" in page for page in pages)
    assert "3 Mehefin 2027, 21:00 BST" in welsh_page and "3 June 2027, 21:00 BST" in english_page


def test_a_bilingual_ballot_paper_carries_both_languages_on_one_paper(entry):
    ballot = entry.ballot
    lines = ballot_paper_text(ballot=ballot, ward=entry.ward)
    choices = [text for kind, text in lines if kind == "choice"]
    assert choices == [
        f"Ailddewis {ballot.sitting_mp} yn awtomatig / Reselect {ballot.sitting_mp} automatically",
        "Cynnal dethol agored / Hold an open selection",
    ]
    questions = [text for kind, text in lines if kind == "question"]
    assert questions[0].startswith("A ddylid ailddewis") and questions[1].startswith("Do you want")
    pages = pdf_pages(ballot_papers_pdf(ballot=ballot, ward=entry.ward, copies=3))
    assert len(pages) == 3  # one paper to a page: twice the words
    assert "Rhowch groes (X) mewn un blwch yn unig." in pages[0] and "Put a cross (X) in one box only." in pages[0]

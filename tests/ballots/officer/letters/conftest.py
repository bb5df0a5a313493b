"""Fixtures of the letter tests: an open ballot where three members have no email address (two
with names outside Latin-1's reach or at its edge), and the PDF read back as text per page."""

import io
import re

import pytest
from pypdf import PdfReader

from ballots.models import RollEntry
from members.models import Member
from tests.ballots.officer.delivery.delivery_checks import DATABASE_TASKS

CODE_PATTERN = re.compile(r"\b[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}\b")


@pytest.fixture
def without_email(open_ballot):
    """The roll entries of the three members with no email address, by ward and number."""
    entries = list(
        RollEntry.objects.filter(ballot=open_ballot)
        .select_related("member")
        .order_by("ward__name", "membership_number")
    )[::3]
    names = [("Siân", "Ŵyn"), ("Zoë", "Brontë"), ("Ada", "Lovelace")]
    for entry, (first, last) in zip(entries, names, strict=True):
        Member.objects.filter(pk=entry.member_id).update(email="", first_name=first, last_name=last)
    chosen = RollEntry.objects.filter(pk__in=[e.pk for e in entries]).select_related("member", "ward")
    return list(chosen.order_by("ward__name", "membership_number"))


@pytest.fixture
def database_tasks(settings):
    """The database task backend, as in production (the suite's default runs tasks at once)."""
    settings.TASKS = DATABASE_TASKS


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text, with line breaks removed so that a wrapped link reads whole."""
    return [page.extract_text().replace("\n", " ") for page in PdfReader(io.BytesIO(pdf)).pages]


def page_code(text: str) -> str:
    (code,) = set(CODE_PATTERN.findall(text))
    return code

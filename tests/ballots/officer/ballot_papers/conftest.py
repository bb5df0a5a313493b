"""Fixtures of the ballot-paper tests: a ballot open for paper votes, with a fixed paper closing time,
and the PDF read back as the text of each paper."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from tests.factories import open_ballot_with_roll

PAPER_CLOSES = dt.datetime(2030, 6, 6, 16, 0, tzinfo=dt.UTC)
PAPER_CLOSES_WORDS = "Thursday 6 June 2030, 17:00 BST"
TITLE = "Trigger ballot: ballot paper"


@pytest.fixture
def paper_ballot(constituency, wards, officer):
    """An open ballot that takes votes on paper as well as online; three members per ward on its roll."""
    return open_ballot_with_roll(
        constituency=constituency,
        wards=wards,
        actor=officer,
        paper_voting=True,
        closes_at=PAPER_CLOSES + dt.timedelta(days=2),
        paper_closes_at=PAPER_CLOSES,
    )


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text, line breaks made spaces so that a wrapped question reads whole."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def pdf_papers(pdf: bytes) -> list[str]:
    """The text of each paper, in order: a page's text cut at each paper's title."""
    papers = []
    for page in pdf_pages(pdf):
        papers += [f"{TITLE}{rest}".strip() for rest in page.split(TITLE)[1:]]
    return papers

"""Printable ballot papers for a ward: the PDF, the wards it may be printed for, and its audit record.

A ballot paper carries the constituency, the ward branch, the question and both choices in the
voting page's own words (ballots/voting/views.py), a box beside each choice, how to mark and
return it, and when voting on paper closes (UK time, the zone named). It carries nothing else:
no serial number, no barcode, no copy number, no date of printing. Every paper of a print run is
drawn by the same call with the same text, so no paper can be told from another, and a marked
paper cannot be traced back to the member it was handed to.

Two papers share an A4 page, each an A5 half with a dashed line to cut along: A5 is big enough
for the question in large, clear type and two boxes easy to mark, and folds into a small return
envelope; a run for a large ward is half the paper of one a page.

Drawing uses fpdf2 with the project's fonts, as the letters do (pdf_fonts.py, and
letter_pdf.py's `uk_time`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext, gettext_noop
from fpdf import FPDF

from ballots.language import in_each_language
from ballots.models import RollEntry, TriggerBallot
from ballots.officer.services.common import Actor, BallotStateError, ballot_audit_record
from ballots.officer.services.letter_pdf import uk_time
from ballots.officer.services.pdf_fonts import SANS, PdfDocument, printable_text
from ballots.wording import ballot_question, choice_labels
from members.models import Member, Ward

# The most papers one PDF holds: 2,500 pages, made while the officer waits.
MAX_COPIES = 5000
PAPERS_PER_PAGE = 2
MARK_INSTRUCTION = gettext_noop("Put a cross (X) in one box only.")
RETURN_INSTRUCTION = gettext_noop("Fold the paper and put it in the ballot box or the return envelope.")
# A bilingual paper's short lines carry both languages on one line, Welsh first; its longer
# ones (the question, the instructions) are given in Welsh and then in English.
ONE_LINE_KINDS = ("title", "detail", "choice")

# A4 portrait in millimetres, split into two A5 halves.
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
HALF = PAGE_HEIGHT / PAPERS_PER_PAGE
MARGIN = 18.0
BOX = 16.0


@dataclass(frozen=True)
class BallotPaperWard:
    """A ward papers may be printed for, and how many members a run for it would need."""

    ward: Ward
    members: int


def ballot_papers_refusal(ballot: TriggerBallot) -> str:
    """Why ballot papers cannot be printed for `ballot`, in words for an officer; "" when they can."""
    if ballot.is_voided:
        return "This ballot was voided: its ballot papers are no longer printed."
    if not (ballot.paper_voting or ballot.meeting_voting):
        return (
            "This ballot takes votes online only: ballot papers are printed only for a ballot whose "
            "settings allow votes by post, on paper or at branch meetings."
        )
    return ""


def ballot_paper_wards(ballot: TriggerBallot) -> list[BallotPaperWard]:
    """The constituency's wards by name, each with its members: those on the roll once the roll is
    frozen (the ballot opened), else those in the ward who have not lapsed. One query."""
    wards = Ward.objects.filter(constituency_id=ballot.constituency_id).order_by("name")
    if ballot.status == TriggerBallot.Status.DRAFT:
        members: Count | Subquery = Count("members", filter=~Q(members__status=Member.Status.LAPSED))
    else:
        on_roll = RollEntry.objects.filter(ballot=ballot, ward=OuterRef("pk")).values("ward")
        members = Subquery(on_roll.annotate(n=Count("pk")).values("n")[:1])
    return [BallotPaperWard(ward=ward, members=ward.member_count or 0) for ward in wards.annotate(member_count=members)]


def ballot_paper_closing(ballot: TriggerBallot) -> str:
    """When voting on paper closes, in UK time with the zone named (a meeting-only ballot: its meetings')."""
    channel = "paper" if ballot.paper_voting else "meeting"
    return uk_time(ballot.channel_closes_at(channel))


def _paper_lines(*, ballot: TriggerBallot, ward: Ward) -> list[tuple[str, str]]:
    """The paper's lines in the active language."""
    labels = choice_labels(ballot.sitting_mp)
    return [
        ("title", gettext("Trigger ballot: ballot paper")),
        ("detail", gettext("Constituency: %(constituency)s") % {"constituency": ballot.constituency.name}),
        ("detail", gettext("Ward branch: %(ward)s") % {"ward": ward.name}),
        ("question", ballot_question(ballot)),
        ("choice", labels["keep"]),
        ("choice", labels["open"]),
        ("mark", gettext(MARK_INSTRUCTION)),
        ("instruction", gettext(RETURN_INSTRUCTION)),
        ("closing", gettext("Voting on paper closes %(closes)s.") % {"closes": ballot_paper_closing(ballot)}),
    ]


def ballot_paper_text(*, ballot: TriggerBallot, ward: Ward) -> list[tuple[str, str]]:
    """The paper's lines, top to bottom, as (kind, text): the same for every copy. A bilingual
    ballot's one paper carries both languages (ONE_LINE_KINDS), so a member reads it in either."""
    versions = in_each_language(ballot.bilingual, lambda: _paper_lines(ballot=ballot, ward=ward))
    if len(versions) == 1:
        return versions[0]
    welsh, english = versions
    lines: list[tuple[str, str]] = []
    for (kind, cy), (_, en) in zip(welsh, english, strict=True):
        lines += [(kind, f"{cy} / {en}")] if kind in ONE_LINE_KINDS else [(kind, cy), (kind, en)]
    return lines


def ballot_papers_pdf(*, ballot: TriggerBallot, ward: Ward, copies: int) -> bytes:
    """`copies` identical ballot papers for `ward`, two to an A4 page with a line to cut along (a
    bilingual ballot's papers, with twice the words, one to a page)."""
    per_page = 1 if ballot.bilingual else PAPERS_PER_PAGE
    pdf = PdfDocument(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(printable_text(f"Ballot papers: {ward.name}, {ballot.constituency.name}"))
    layout: list[_Block] = []
    for index in range(copies):
        slot = index % per_page
        if slot == 0:
            pdf.add_page()
            if per_page > 1:
                _cut_line(pdf)
        # Laid out once (wrapping the long lines is most of the work), then drawn on every paper.
        layout = layout or _layout(pdf, ballot_paper_text(ballot=ballot, ward=ward))
        _paper(pdf, layout, top=slot * HALF)
    return bytes(pdf.output())


# How each kind of line is set: (style, size, line height, space before, space after).
STYLES = {
    "title": ("B", 16, 9.0, 0.0, 0.0),
    "detail": ("", 11, 6.0, 0.0, 0.0),
    "question": ("B", 13, 6.5, 3.0, 3.0),
    "choice": ("", 13, 7.0, 0.0, 0.0),
    "mark": ("B", 11, 6.0, 0.0, 0.0),
    "instruction": ("", 11, 6.0, 0.0, 0.0),
    "closing": ("", 10, 5.5, 2.0, 0.0),
}


@dataclass(frozen=True)
class _Block:
    kind: str
    lines: list[str]


def _layout(pdf: FPDF, text: list[tuple[str, str]]) -> list[_Block]:
    """Each line of the paper wrapped to its width in its font: the same for every copy."""
    blocks = []
    for kind, words in text:
        style, size, height, _, _ = STYLES[kind]
        pdf.set_font(SANS, style, size)
        width = pdf.epw - BOX - 6 if kind == "choice" else pdf.epw
        lines = cast(list[str], pdf.multi_cell(width, height, printable_text(words), dry_run=True, output="LINES"))
        blocks.append(_Block(kind=kind, lines=lines))
    return blocks


def _cut_line(pdf: FPDF) -> None:
    pdf.set_draw_color(120, 120, 120)
    pdf.set_dash_pattern(dash=3, gap=2)
    pdf.line(8, HALF, PAGE_WIDTH - 8, HALF)
    pdf.set_dash_pattern()
    pdf.set_draw_color(0, 0, 0)


def _paper(pdf: FPDF, layout: list[_Block], *, top: float) -> None:
    """One paper drawn in the half of the page starting at `top`."""
    pdf.set_xy(MARGIN, top + MARGIN - 4)
    for block in layout:
        style, size, height, before, after = STYLES[block.kind]
        pdf.set_font(SANS, style, size)
        pdf.ln(before)
        if block.kind == "choice":
            _choice(pdf, block.lines, height=height)
        else:
            for line in block.lines:
                pdf.cell(pdf.epw, height, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(after)


def _choice(pdf: FPDF, lines: list[str], *, height: float) -> None:
    """A choice's words, and the box to mark beside them on the right."""
    y = pdf.get_y()
    pdf.set_line_width(0.6)
    pdf.rect(MARGIN + pdf.epw - BOX, y, BOX, BOX)
    pdf.set_line_width(0.2)
    pdf.set_xy(MARGIN, y + max(0.0, (BOX - height * len(lines)) / 2))
    for line in lines:
        pdf.cell(pdf.epw - BOX - 6, height, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(MARGIN, max(pdf.get_y(), y + BOX) + 4)


def ballot_papers_print(*, ballot: TriggerBallot, ward: Ward, copies: int, actor: Actor) -> bytes:
    """The PDF of `copies` ballot papers for `ward`, recorded in the audit log.

    Refused (BallotStateError) for a ballot that takes no paper or meeting votes, or was voided,
    and for a number of copies outside 1 to MAX_COPIES; `ward` must be of the ballot's constituency.
    """
    if refusal := ballot_papers_refusal(ballot):
        raise BallotStateError(refusal)
    if ward.constituency_id != ballot.constituency_id:
        raise BallotStateError("That ward is not in this ballot's constituency.")
    if not 1 <= copies <= MAX_COPIES:
        raise BallotStateError(f"A PDF holds from 1 to {MAX_COPIES:,} ballot papers.")
    pdf = ballot_papers_pdf(ballot=ballot, ward=ward, copies=copies)
    ballot_audit_record(action="ballot_papers_printed", actor=actor, ballot=ballot, ward=ward.name, copies=copies)
    return pdf

"""The formal record drawn as PDF: the returning officer's report, and the declaration of the result.

Pure drawing from a `FormalRecord` (formal_record.py), A4, in the project's fonts
(pdf_fonts.py: Welsh letters print whole; a character the fonts lack prints without its accent).
The report carries every figure; the declaration only the public ones, so it can be posted.
Times are in UK time with the zone named.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF
from fpdf.fonts import FontFace

from ballots.officer.services.formal_record import FormalRecord
from ballots.officer.services.letter_pdf import uk_time
from ballots.officer.services.pdf_fonts import SANS, PdfDocument, printable_text
from ballots.results.presenter import BallotResult

HEADINGS = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))


class _RecordPdf(PdfDocument):
    def __init__(self, footer_text: str):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)

    def footer(self):
        self.set_y(-12)
        self.set_font(SANS, "", 8)
        self.cell(0, 5, f"{self.footer_text} - page {self.page_no()} of {{nb}}", align="C")


def _start(title: str, footer: str) -> _RecordPdf:
    pdf = _RecordPdf(printable_text(footer))
    pdf.set_title(printable_text(title))
    pdf.alias_nb_pages()
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, text: str, size: int = 13) -> None:
    pdf.ln(3)
    pdf.set_font(SANS, "B", size)
    pdf.multi_cell(pdf.epw, 7, printable_text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(SANS, "", 10)


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.set_font(SANS, "", 10)
    pdf.multi_cell(pdf.epw, 5.5, printable_text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _table(pdf: FPDF, header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[int]) -> None:
    pdf.set_font(SANS, "", 9)
    with pdf.table(col_widths=widths, headings_style=HEADINGS, line_height=5.5, text_align="LEFT") as table:
        for cells in [header, *rows]:
            row = table.row()
            for cell in cells:
                row.cell(printable_text("" if cell is None else f"{cell:,}" if isinstance(cell, int) else str(cell)))
    pdf.ln(2)


def _decision(pdf: FPDF, record: FormalRecord, figures: BallotResult) -> None:
    ballot = record.ballot
    result = figures.result
    decision = "Open selection" if result.open_selection else f"{ballot.sitting_mp} is reselected"
    _heading(pdf, f"Result: {decision}", 14)
    if result.open_share is not None:
        _paragraph(
            pdf,
            f"Open share of {result.rule_set.pool_label or 'the count'}: {figures.open_pc} "
            f"(open selection needs {figures.threshold_text}). Reselect share: {figures.reselect_pc}.",
        )
    _paragraph(pdf, figures.explanation)


def _wards(pdf: FPDF, figures: BallotResult) -> None:
    _heading(pdf, "Member votes and turnout by ward branch")
    if figures.disclosure_note:
        _paragraph(pdf, figures.disclosure_note)
    rows = [
        (
            row.name,
            "withheld" if row.withheld else row.reselect,
            "withheld" if row.withheld else row.open,
            row.result_label,
            "withheld" if row.votes_cast is None else row.votes_cast,
            row.tally.eligible,
            row.turnout_pc,
        )
        for row in figures.branches
    ]
    totals_withheld = figures.member_totals_withheld
    rows.append(
        (
            "All wards",
            "withheld" if totals_withheld else figures.tally.votes_reselect,
            "withheld" if totals_withheld else figures.tally.votes_open,
            "",
            figures.tally.votes_cast,
            figures.tally.eligible,
            figures.turnout_pc,
        )
    )
    _table(
        pdf,
        ("Ward branch", "Reselect", "Open", "Result", "Votes", "On roll", "Turnout"),
        rows,
        (46, 18, 18, 30, 16, 18, 20),
    )


def _channels(pdf: FPDF, record: FormalRecord) -> None:
    _heading(pdf, "Votes by channel")
    _table(pdf, ("Channel", "Votes"), record.channels, (60, 40))
    _table(
        pdf,
        ("Ward branch", "Online", "By post or on paper", "At meetings", "Spoilt", "Votes cast"),
        [(r.name, r.online, r.paper, r.meeting, r.spoilt, r.votes) for r in record.channel_wards],
        (46, 22, 34, 26, 20, 24),
    )
    _paragraph(
        pdf,
        f"Paper batches confirmed by a second officer: {record.batches_confirmed:,}. "
        "Spoilt papers count in turnout only, for neither side.",
    )


def _ballot_line(record: FormalRecord) -> str:
    ballot = record.ballot
    return f"Trigger ballot for {ballot.sitting_mp}, {ballot.constituency.name}"


def formal_record_pdf(record: FormalRecord) -> bytes:
    """The returning officer's report: every figure, the codes, the affiliates, the timeline, the log."""
    ballot = record.ballot
    state = "PROVISIONAL: not yet declared" if record.provisional else "Declared result"
    pdf = _start(
        f"Returning officer's report: {_ballot_line(record)}", f"{_ballot_line(record)}: returning officer's report"
    )
    _heading(pdf, "Returning officer's report", 18)
    _paragraph(pdf, f"{_ballot_line(record)}. {state}. Made {uk_time(record.made_at)}.")
    if ballot.voided_at:
        _paragraph(
            pdf,
            f"This ballot was voided on {uk_time(ballot.voided_at)}: its result does not stand. "
            f"Reason: {ballot.void_reason}",
        )
    _decision(pdf, record, record.result)
    _heading(pdf, "Rules and options")
    _table(pdf, ("Setting", "Applied"), record.rules_and_options, (60, 114))
    _wards(pdf, record.result)
    _channels(pdf, record)
    _heading(pdf, "Voting codes")
    _table(pdf, ("", "Members"), record.codes, (110, 30))
    _heading(pdf, "Affiliated organisations")
    _table(
        pdf,
        ("Organisation", "Kind", "Decision", "Delegate", "Recorded", "By"),
        [
            (a.name, a.kind, a.vote, a.delegate_name, uk_time(a.recorded_at) if a.recorded_at else "", a.recorded_by)
            for a in record.affiliates
        ]
        or [("None eligible", "", "", "", "", "")],
        (36, 24, 24, 26, 42, 22),
    )
    _heading(pdf, "Timeline")
    _table(pdf, ("", "When (UK time)"), [(label, uk_time(moment)) for label, moment in record.timeline], (50, 90))
    _heading(pdf, "Who did what")
    _table(
        pdf,
        ("When (UK time)", "Who", "What happened"),
        [(uk_time(event.when), event.who, event.what) for event in record.events],
        (42, 26, 106),
    )
    return bytes(pdf.output())


def declaration_pdf(record: FormalRecord) -> bytes:
    """The declaration of the result, with only the figures the public results page shows."""
    ballot = record.ballot
    pdf = _start(f"Declaration of result: {_ballot_line(record)}", f"{_ballot_line(record)}: declaration of result")
    _heading(pdf, "Declaration of result", 18)
    if ballot.declared_at is not None:
        _paragraph(pdf, f"{_ballot_line(record)}. Declared {uk_time(ballot.declared_at)}.")
    _decision(pdf, record, record.declaration)
    _paragraph(pdf, f"Counted under {record.result.rule_set.title}.")
    _wards(pdf, record.declaration)
    _heading(pdf, "Affiliated organisations")
    _table(
        pdf,
        ("Organisation", "Kind", "Decision"),
        [(a.name, a.kind, a.vote) for a in record.affiliates] or [("None eligible", "", "")],
        (80, 50, 44),
    )
    _paragraph(
        pdf,
        f"Turnout: {record.declaration.tally.voted:,} of {record.declaration.tally.eligible:,} members on the "
        f"roll voted ({record.declaration.turnout_pc}).",
    )
    return bytes(pdf.output())

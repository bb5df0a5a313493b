"""The letters of a letter pack drawn as a PDF: one A4 page a member, with the code, the link and its QR code.

Pure drawing: the codes are made and stored by code_letters.py, which calls `letters_pdf`.
A member's postal address is printed where a DL window envelope shows it (the page folded in
three); without an address that will print (`address_lines`), the name and ward head the page.
The fonts are the project's own (pdf_fonts.py), so Welsh names and addresses print whole (Tŷ,
Ŵyn).
"""

import datetime as dt
import functools
import io
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from fpdf import FPDF

from ballots.language import in_each_language
from ballots.models import RollEntry, TriggerBallot
from ballots.officer.services.pdf_fonts import MONO, SANS, PdfDocument, printable_text, text_printable
from ballots.officer.services.voting_codes import personal_voting_link

UK_TIME = ZoneInfo("Europe/London")


def _address_parts(address: str, postcode: str) -> tuple[list[str], str]:
    lines = [" ".join(line.split()) for line in address.splitlines()]
    return [line for line in lines if line], " ".join(postcode.split()).upper()


def address_problem(*, address: str, postcode: str) -> str:
    """Why the postal address will not print on a letter, in words; "" when it will.

    It will not when the address or the postcode is empty, or when a character is one the
    fonts cannot print (a letter sent to a misspelt address may not arrive).
    """
    lines, code = _address_parts(address, postcode)
    if not lines:
        return "no postal address"
    if not code:
        return "no postcode"
    if not all(text_printable(line) for line in [*lines, code]):
        return "letters in the address that cannot be printed"
    return ""


def address_lines(*, address: str, postcode: str) -> list[str] | None:
    """The postal address's lines, postcode last, or None when it will not print (`address_problem`)."""
    if address_problem(address=address, postcode=postcode):
        return None
    lines, code = _address_parts(address, postcode)
    # Room in the window for the name, five lines and the postcode: any more share the fifth.
    lines = [*lines[:4], ", ".join(lines[4:])] if len(lines) > 5 else lines
    return [*lines, code]


def uk_time(moment: dt.datetime) -> str:
    """`moment` in UK time with its zone named, e.g. 'Thursday 4 June 2026, 17:00 BST', in the
    active language's day and month names (Welsh: 'Dydd Iau 4 Mehefin 2026, 17:00 BST')."""
    local = moment.astimezone(UK_TIME)
    return f"{date_format(local, 'l j F Y, H:i')} {local.tzname()}"


def _qr_png(link: str) -> io.BytesIO:
    image = io.BytesIO()
    segno.make(link, error="m").save(image, kind="png", scale=6, border=2)
    image.seek(0)
    return image


def letters_pdf(*, ballot: TriggerBallot, letters: Iterable[tuple[RollEntry, str]]) -> bytes:
    """The pack: one A4 page for each (roll entry, code), in the order given."""
    pdf = PdfDocument(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(printable_text(f"Voting code letters: {ballot.constituency.name}"))
    vote_url = f"{settings.SITE_URL}{reverse('ballots:vote_start')}"
    for entry, code in letters:
        link = personal_voting_link(ballot=ballot, membership_number=entry.membership_number, code=code)
        # A bilingual ballot's letter is two pages, Welsh first, each with the code (ballots/language.py).
        draw = functools.partial(_letter_page, pdf, ballot=ballot, entry=entry, code=code, link=link, vote_url=vote_url)

        def page(draw: Callable[..., None] = draw) -> None:
            draw(closes=uk_time(ballot.closes_at))  # the closing time in the page's language

        in_each_language(ballot.bilingual, page)
    return bytes(pdf.output())


def _letter_page(
    pdf: FPDF, *, ballot: TriggerBallot, entry: RollEntry, code: str, link: str, closes: str, vote_url: str
) -> None:
    pdf.add_page()
    width = pdf.epw
    lines = address_lines(address=entry.member.address, postcode=entry.member.postcode)
    if lines is None:
        # No postal address that will print: the name and ward head the letter, for the officer
        # to address the envelope from the membership list.
        pdf.set_font(SANS, "B", 13)
        pdf.cell(width, 7, printable_text(entry.member.full_name), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(SANS, "", 11)
        where = {"ward": entry.ward.name, "constituency": ballot.constituency.name}
        ward = printable_text(gettext("%(ward)s ward, %(constituency)s") % where)
        pdf.cell(width, 6, ward, new_x="LMARGIN", new_y="NEXT")
    else:
        _address_block(pdf, name=printable_text(entry.member.full_name), lines=lines)
        pdf.set_font(SANS, "", 11)
    number = gettext("Membership number: %(number)s") % {"number": entry.membership_number}
    pdf.cell(width, 6, number, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(SANS, "B", 16)
    heading = gettext("Your vote in the trigger ballot for %(mp)s") % {"mp": ballot.sitting_mp}
    pdf.multi_cell(width, 8, printable_text(heading))
    pdf.ln(2)
    pdf.set_font(SANS, "", 11)
    pdf.multi_cell(
        width,
        6,
        printable_text(
            gettext(
                "Dear %(name)s, you can vote on whether %(mp)s, the sitting MP for %(constituency)s, is reselected "
                "as the party's candidate, or whether there is an open selection. This letter carries your own "
                "voting code: keep it to yourself."
            )
            % {"name": entry.member.first_name, "mp": ballot.sitting_mp, "constituency": ballot.constituency.name}
        ),
    )
    pdf.ln(4)
    pdf.set_font(SANS, "B", 12)
    closing = gettext("Voting closes: %(closes)s (UK time)") % {"closes": closes}
    pdf.cell(width, 7, printable_text(closing), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(SANS, "", 11)
    pdf.cell(width, 6, printable_text(gettext("Your voting code:")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(MONO, "B", 20)
    pdf.cell(width, 11, code, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    top = pdf.get_y()
    pdf.image(_qr_png(link), x=pdf.l_margin, y=top, w=45, h=45)
    pdf.set_xy(pdf.l_margin + 52, top)
    pdf.set_font(SANS, "B", 12)
    pdf.cell(width - 52, 7, printable_text(gettext("How to vote, in three steps")), new_x="LEFT", new_y="NEXT")
    pdf.set_font(SANS, "", 11)
    steps = (
        gettext(
            "1. Scan the square code with your phone's camera, or type your personal link below into a web browser."
        ),
        gettext("2. Or go to %(vote_url)s and type your membership number and the voting code above.")
        % {"vote_url": vote_url},
        gettext(
            '3. Choose on the ballot paper and press "Cast my vote" before voting closes. '
            "You will be given a receipt code."
        ),
    )
    for step in steps:
        pdf.multi_cell(width - 52, 6, printable_text(step), new_x="LEFT", new_y="NEXT")
        pdf.ln(1)
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), top + 45) + 6)
    pdf.set_font(SANS, "", 9)
    pdf.cell(width, 5, printable_text(gettext("Your personal link:")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(MONO, "", 8)
    pdf.multi_cell(width, 4, link, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(SANS, "", 10)
    pdf.multi_cell(
        width,
        5,
        printable_text(
            gettext(
                "Your vote is secret: the ballot records which ward it came from and which way it went, and nothing "
                "that ties it to you. This code replaces any code sent to you earlier. If someone else has seen it, "
                "ask your constituency officers for a new one."
            )
            + "\n\n"
            + gettext("%(constituency)s constituency officers") % {"constituency": ballot.constituency.name}
        ),
    )


# Where a DL window envelope's window falls on an A4 page folded in three (millimetres).
WINDOW_LEFT, WINDOW_TOP, WINDOW_WIDTH, WINDOW_LINES = 25.0, 45.0, 90.0, 7


def _address_block(pdf: FPDF, *, name: str, lines: list[str]) -> None:
    """The name and address where the envelope's window shows them, then the cursor below it."""
    pdf.set_xy(WINDOW_LEFT, WINDOW_TOP)
    pdf.set_font(SANS, "", 11)
    for line in [name, *lines][:WINDOW_LINES]:
        pdf.cell(WINDOW_WIDTH, 5, line, new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, WINDOW_TOP + 5 * WINDOW_LINES + 6)

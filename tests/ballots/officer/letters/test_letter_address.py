"""Letters print the member's postal address where a window envelope shows it, and fall back to
the name and ward when the address is missing or will not print."""

import io

import pytest
from pypdf import PdfReader

from ballots.officer.services.letter_pdf import address_lines, letters_pdf
from members.models import Member
from tests.ballots.officer.letters.conftest import pdf_pages

pytestmark = pytest.mark.django_db

MM = 72 / 25.4


def text_positions(pdf: bytes, page: int) -> dict[str, tuple[float, float]]:
    """Each piece of text on the page, with where it starts in millimetres from the top left."""
    reader = PdfReader(io.BytesIO(pdf))
    height = float(reader.pages[page].mediabox.height)
    found: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.setdefault(text.strip(), (tm[4] / MM, (height - tm[5]) / MM))

    reader.pages[page].extract_text(visitor_text=visit)
    return found


def letters_for(ballot, entries):
    return letters_pdf(ballot=ballot, letters=[(entry, "ABCD-EFGH-JKLM-NPQR") for entry in entries])


def with_address(entry, address, postcode):
    Member.objects.filter(pk=entry.member_id).update(address=address, postcode=postcode)
    entry.member.refresh_from_db()
    return entry


def test_the_address_and_postcode_are_printed_in_the_envelope_window(open_ballot, without_email):
    entry = with_address(without_email[2], "Flat 2\n14 Castle Street\nCanterbury", "ct1 2qd")

    pdf = letters_for(open_ballot, [entry])

    (text,) = pdf_pages(pdf)
    assert "Ada Lovelace Flat 2 14 Castle Street Canterbury CT1 2QD" in text
    assert f"{entry.ward.name} ward" not in text
    x, y = text_positions(pdf, 0)["CT1 2QD"]
    assert 20 <= x <= 30
    assert 45 <= y <= 85


def test_without_a_postcode_the_letter_falls_back_to_the_name_and_ward(open_ballot, without_email):
    entry = with_address(without_email[2], "14 Castle Street\nCanterbury", "")

    (text,) = pdf_pages(letters_for(open_ballot, [entry]))

    assert f"Ada Lovelace {entry.ward.name} ward, {open_ballot.constituency.name}" in text
    assert "Castle Street" not in text


def test_an_address_the_fonts_cannot_print_falls_back_to_the_name_and_ward(open_ballot, without_email):
    entry = with_address(without_email[0], "Flat 😀\nFfordd y Môr", "LL11 1AA")

    (text,) = pdf_pages(letters_for(open_ballot, [entry]))

    assert f"{entry.ward.name} ward" in text
    assert "LL11" not in text


def test_a_welsh_address_prints_whole_in_the_window(open_ballot, without_email):
    entry = with_address(without_email[0], "Tŷ Gwyn\nHeol y Dŵr\nLlanŵst", "LL26 0AA")

    (text,) = pdf_pages(letters_for(open_ballot, [entry]))

    assert "Tŷ Gwyn" in text and "Heol y Dŵr" in text and "Llanŵst" in text
    assert "LL26 0AA" in text


def test_every_letter_of_a_pack_stays_on_its_one_page_with_a_long_address(open_ballot, without_email):
    for entry in without_email:
        with_address(entry, "\n".join(f"Line {n} of a long address" for n in range(9)), "CT1 1AA")

    pages = pdf_pages(letters_for(open_ballot, without_email))

    assert len(pages) == 3
    assert all("Line 8 of a long address" in page and "CT1 1AA" in page for page in pages)
    assert all("ABCD-EFGH-JKLM-NPQR" in page for page in pages)


@pytest.mark.parametrize(
    ("address", "postcode", "printable"),
    [
        ("1 High Street\nDover", "CT16 1AA", True),
        ("1 Rue Cézanne", "CT1 1AA", True),
        ("", "CT1 1AA", False),
        ("  \n  ", "CT1 1AA", False),
        ("1 High Street", "  ", False),
        ("Tŷ Ŵyn", "LL11 1AA", True),
        ("1 Улица Ленина", "CT1 1AA", True),
        ("1 High Street", "CT1 1AA😀", False),
    ],
)
def test_an_address_prints_only_with_its_postcode_and_in_the_fonts_letters(address, postcode, printable):
    assert (address_lines(address=address, postcode=postcode) is not None) is printable

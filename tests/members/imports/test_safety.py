"""Bounded and safe: control characters refused with their line, files that are not text named as such."""

import pytest

from members.imports import header_read, member_import
from members.models import Member

HEADER = b"membership_number,first_name,last_name,ward,joined_on\r\n"


@pytest.mark.parametrize("character", [b"\x00", b"\x07", b"\x1b", b"\x7f", b"\x0c"])
def test_a_control_character_in_a_cell_refuses_that_row_with_its_line(constituency, wards, character):
    data = HEADER + b"A1,Ann,Lee,Barton,2015-01-01\r\nA2,B" + character + b"ob,Lee,Barton,2015-01-01\r\n"
    report = member_import(constituency=constituency, file=data)
    assert [(error.line, error.column) for error in report.errors] == [(3, "")]
    assert "NUL byte" in report.errors[0].reason or "control character" in report.errors[0].reason
    assert Member.objects.count() == 0


def test_tabs_and_line_breaks_inside_quotes_are_text_not_control_characters(constituency, wards):
    data = HEADER + b'A1,"Ann\tMarie","Lee\r\nJones",Barton,2015-01-01\r\n'
    assert member_import(constituency=constituency, file=data).ok


def test_a_nul_byte_in_the_header_is_refused_on_line_1(constituency):
    report = member_import(constituency=constituency, file=b"membership_number\x00,first\n")
    assert [(error.line, error.column) for error in report.errors] == [(1, "")]
    assert report.errors[0].reason.startswith("the header row: a NUL byte")
    assert header_read(kind="members", file=b"a\x00,b\n").error.line == 1


def test_a_byte_that_is_text_in_neither_encoding_is_refused_with_its_line(constituency, wards):
    data = HEADER + b"A1,Ann,L\xe9e,Barton,2015-01-01\r\nA2,Bob,L\x81e,Barton,2015-01-01\r\n"
    report = member_import(constituency=constituency, file=data)
    assert [error.line for error in report.errors] == [3]
    assert "not text in UTF-8 or Windows-1252" in report.errors[0].reason


@pytest.mark.parametrize(
    ("start", "words"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel workbook"),
        (b"%PDF-1.4\n%\xe2\xe3", "PDF"),
        (b"\xff\xfem\x00e\x00m\x00", "UTF-16"),
        (b"\x89PNG\r\n\x1a\n", "picture"),
    ],
)
def test_a_file_that_is_not_text_gets_a_plain_message(constituency, start, words):
    report = member_import(constituency=constituency, file=start + bytes(range(256)) * 4)
    (error,) = report.errors
    assert error.line == 1 and words in error.reason


def test_utf16_text_without_its_byte_order_mark_is_named_not_text(constituency):
    report = member_import(
        constituency=constituency, file="membership_number,first_name\r\nA1,Ann\r\n".encode("utf-16-le")
    )
    (error,) = report.errors
    assert error.line == 1 and "not text (it is mostly NUL bytes)" in error.reason


def test_an_enormous_value_is_refused_not_read(constituency, wards):
    data = HEADER + b"A1," + b"x" * 200_000 + b",Lee,Barton,2015-01-01\r\n"
    report = member_import(constituency=constituency, file=data)
    assert "longer than 131,072 characters" in report.errors[0].reason


def test_junk_lines_give_a_bounded_report(constituency, wards):
    data = HEADER + b"".join(b"junk %d,;;;,,,,,,,,,,more\r\n" % n for n in range(20_000))
    report = member_import(constituency=constituency, file=data)
    assert report.errors_total == 20_000
    assert len(report.error_groups) == 1
    assert str(report.error_groups[0]).startswith("20,000 rows: lines 2-20001: this row has")


@pytest.mark.parametrize(
    "options",
    [{"missing": "delete"}, {"value_map": {"shoe": {"a": "b"}}}, {"column_map": {"x": "nothing"}}],
)
def test_bad_options_are_a_report_not_an_exception(constituency, wards, options):
    report = member_import(constituency=constituency, file=HEADER, **options)
    assert report.errors and report.errors[0].line == 0

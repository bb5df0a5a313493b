"""Every kind of problem round_file_check and round_file_decode name, and that any text gives a RoundFile."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.region.round_file import MAX_BYTES, MAX_ROWS, RoundFile, round_file_decode
from ballots.region.round_upload import round_file_check
from tests.ballots.region.round_upload.conftest import HEADER, csv_text, future, row, upload
from tests.factories import ConstituencyFactory, RegionFactory, TriggerBallotFactory


def _reasons(region, text):
    checked = round_file_check(region=region, text=text)
    assert not checked.ok and checked.rows == []
    return [(p.line, p.column, p.reason) for p in checked.problems]


def _clock_change(month: int) -> dt.date:
    """The next last Sunday of `month` (March: the clocks go forward; October: back)."""
    year = dt.date.today().year + 1
    last = dt.date(year, month, 31)
    return last - dt.timedelta(days=(last.weekday() + 1) % 7)


def test_an_unknown_column_is_named(kent):
    problems = _reasons(kent[0], HEADER + ",colour\r\n" + row("A") + ",red\r\n")
    assert any("“colour” is not one" in reason for _l, _c, reason in problems)


def test_a_missing_column_is_named(kent):
    problems = _reasons(kent[0], "constituency,sitting_mp,wards,freeze_date,opens_at\r\nA,B,C,D,E\r\n")
    assert problems == [(1, "", "missing column: closes_at.")]


def test_a_duplicate_column_is_named(kent):
    problems = _reasons(kent[0], HEADER + ",Sitting MP\r\n" + row("A") + ",x\r\n")
    assert problems[0][1] == "sitting_mp" and "two columns" in problems[0][2]


def test_a_constituency_twice_names_both_lines(kent):
    problems = _reasons(kent[0], csv_text(row("Hythe"), row("hythe")))
    assert problems == [(3, "constituency", "“hythe” is already on line 2: a constituency is in a round once.")]


def test_a_constituency_of_another_region_is_refused(kent):
    ConstituencyFactory(name="Brighton", region=RegionFactory(name="Sussex"))
    problems = _reasons(kent[0], csv_text(row("Brighton")))
    assert problems[0][:2] == (2, "constituency") and "not a constituency of Kent" in problems[0][2]


@pytest.mark.parametrize("status", ["draft", "open"])
def test_a_constituency_with_a_ballot_under_way_is_refused(kent, status):
    TriggerBallotFactory(constituency=kent[1], status=status)
    problems = _reasons(kent[0], csv_text(row("Kent Old")))
    assert f"already has {'a draft' if status == 'draft' else 'an open'} ballot" in problems[0][2]


def test_same_as_before_for_a_new_constituency_is_refused(kent):
    problems = _reasons(kent[0], csv_text(row("Brand New", wards="Same As Before")))
    assert problems[0][:2] == (2, "wards") and "new constituency" in problems[0][2]


def test_a_bad_date_is_refused(kent):
    problems = _reasons(kent[0], csv_text(row("A", freeze="31/02/2030")))
    assert problems[0][:2] == (2, "freeze_date") and "is not a date" in problems[0][2]


def test_a_time_the_clocks_skip_in_march_is_refused(kent):
    day = _clock_change(3)
    opens, closes = f"{day} 01:30", f"{day + dt.timedelta(days=7)} 17:00"
    problems = _reasons(kent[0], csv_text(row("A", freeze=f"{day}", opens=opens, closes=closes)))
    assert problems[0][1] == "opens_at" and "does not exist in UK time" in problems[0][2]


def test_a_time_the_clocks_repeat_in_october_is_refused(kent):
    day = _clock_change(10)
    closes = f"{day} 01:30"
    problems = _reasons(
        kent[0],
        csv_text(
            row("A", freeze=f"{day - dt.timedelta(days=9)}", opens=f"{day - dt.timedelta(days=7)} 09:00", closes=closes)
        ),
    )
    assert problems[0][1] == "closes_at" and "happens twice in UK time" in problems[0][2]


def test_closing_before_opening_is_refused(kent):
    opens = dt.date.today() + dt.timedelta(days=30)
    problems = _reasons(kent[0], csv_text(row("A", opens=f"{opens} 09:00", closes=f"{opens} 08:00")))
    assert (2, "closes_at", "The closing time must be after the opening time.") in problems


def test_closing_in_the_past_is_refused(kent):
    past = dt.date.today() - dt.timedelta(days=3)
    problems = _reasons(
        kent[0],
        csv_text(
            row(
                "A",
                freeze=f"{past - dt.timedelta(days=9)}",
                opens=f"{past - dt.timedelta(days=7)} 09:00",
                closes=f"{past} 17:00",
            )
        ),
    )
    assert any(column == "closes_at" and "has already passed" in reason for _l, column, reason in problems)


def test_too_many_rows_are_refused(kent):
    problems = _reasons(kent[0], csv_text(*(row(f"P{n}") for n in range(MAX_ROWS + 1))))
    assert problems[0][0] == 0 and "more than 1,000 rows" in problems[0][2]


def test_a_file_too_large_is_refused_before_it_is_read():
    _text, problem = round_file_decode(b"x" * (MAX_BYTES + 1))
    assert problem is not None and "larger than 512 KB" in problem.reason


def test_a_file_that_is_not_csv_is_refused():
    _text, problem = round_file_decode(b"PK\x03\x04 a workbook")
    assert problem is not None and "Excel workbook" in problem.reason


def test_the_upload_page_says_so_for_a_file_that_is_not_csv(kent_client, kent):
    response = upload(kent_client, kent[0], b"%PDF-1.4 not a list", file_name="round.pdf")
    assert response.status_code == 200 and b"PDF document" in response.content


@pytest.mark.parametrize("text", ["", "\r\n\r\n", " , ,\n"])
def test_an_empty_file_is_refused(kent, text):
    problems = _reasons(kent[0], text)
    assert problems[0][0] == 0 and "the file is empty" in problems[0][2]


def test_a_header_with_no_rows_is_refused(kent):
    assert "no constituencies under it" in _reasons(kent[0], HEADER + "\r\n")[0][2]


def test_control_characters_are_refused_with_their_line(kent):
    problems = _reasons(kent[0], csv_text(row("Good"), row("Bad\x07")))
    assert problems == [(3, "", "this row holds a character that is not text: correct the file.")]


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_any_text_gives_a_round_file_without_raising(text):
    region = RegionFactory.build(pk=10**6, name="Nowhere")
    assert isinstance(round_file_check(region=region, text=text), RoundFile)


_GOOD = future()
_CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["Kent Old", "same as before", "North; South", *_GOOD.values(), "2030-03-31 01:30"]),
)


@pytest.mark.django_db
@settings(max_examples=100, deadline=None)
@given(cells=st.lists(_CELL, min_size=6, max_size=8))
def test_any_row_under_a_good_header_gives_a_round_file_without_raising(cells):
    region = RegionFactory.build(pk=10**6, name="Nowhere")
    text = HEADER + "\n" + ",".join('"' + cell.replace('"', '""') + '"' for cell in cells) + "\n"
    assert isinstance(round_file_check(region=region, text=text), RoundFile)

"""The round file's dates and UK times: the forms read, the ones refused, the clock changes."""

import datetime as dt

import pytest

from ballots.region.round_values import UK, CellProblem, date_read, uk_moment_read


@pytest.mark.parametrize(
    "text", ["2027-03-01", "01/03/2027", "1/3/2027", "01.03.2027", "01-03-2027", "1 March 2027", "1 Mar 2027"]
)
def test_a_freeze_date_is_read_in_the_forms_the_member_imports_read(text):
    assert date_read(text) == dt.date(2027, 3, 1)


@pytest.mark.parametrize("text", ["1/3/27", "1 Mar 27"])
def test_a_two_digit_year_is_refused_rather_than_read_as_the_last_century(text):
    with pytest.raises(CellProblem, match="is not a date"):
        date_read(text)


def test_a_freeze_date_with_a_time_is_told_to_give_the_date_alone():
    with pytest.raises(CellProblem, match="give the date alone"):
        date_read("2027-03-01 10:00")


@pytest.mark.parametrize(
    "text",
    ["2027-03-01 18:30", "2027-03-01T18:30", "01/03/2027 18:30", "01/03/2027 18.30", "1 March 2027  18:30:00"],
)
def test_a_time_is_read_as_uk_wall_clock_time_in_several_forms(text):
    assert uk_moment_read(text) == dt.datetime(2027, 3, 1, 18, 30, tzinfo=UK)


def test_a_summer_time_is_an_hour_ahead_of_utc():
    assert uk_moment_read("1 July 2027 09:00").astimezone(dt.UTC) == dt.datetime(2027, 7, 1, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("text", ["2027-03-01", "1 March 2027 25:00", "2027-03-01 10:00 pm", "1/3/27 10:00", "soon"])
def test_a_time_that_is_not_a_full_date_and_24_hour_time_is_refused(text):
    with pytest.raises(CellProblem, match="is not a date and time"):
        uk_moment_read(text)


def test_the_hours_of_the_clock_changes_are_refused_naming_the_day():
    with pytest.raises(CellProblem, match="does not exist in UK time"):
        uk_moment_read("28 March 2027 01:30")
    with pytest.raises(CellProblem, match="happens twice in UK time"):
        uk_moment_read("31/10/2027 01:30")

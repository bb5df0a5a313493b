"""Members and affiliates CSV imports: messy real files, every kind of bad row, all or nothing."""

import datetime as dt
from pathlib import Path

import pytest

from members.imports import RowError, affiliate_import, member_import, parse_date
from members.models import Affiliate, AuditEvent, Member, Ward
from tests.factories import AffiliateFactory, ConstituencyFactory, MemberFactory, WardFactory

DATA = Path(__file__).parent / "data"


def read(name):
    return (DATA / name).read_bytes()


def errors_as_tuples(report):
    return [(error.line, error.column, error.reason) for error in report.errors]


def test_utf8_file_with_bom_crlf_header_case_spaces_and_a_blank_line_imports(constituency, wards, officer):
    report = member_import(constituency=constituency, file=read("members_utf8_bom_crlf.csv"), actor=officer)
    assert report.errors == []
    assert (report.rows, report.created, report.updated, report.unchanged) == (4, 4, 0, 0)
    zoe = Member.objects.get(membership_number="L0001")
    assert (zoe.first_name, zoe.last_name, zoe.ward.name) == ("Zoë", "Brontë", "Barton")
    assert zoe.joined_on == dt.date(2015, 3, 1)
    amir = Member.objects.get(membership_number="L0002")
    assert (amir.ward.name, amir.joined_on, amir.status, amir.email) == ("Northgate", dt.date(2020, 2, 1), "active", "")
    assert Member.objects.get(membership_number="L0003").status == "arrears"
    assert Member.objects.get(membership_number="L0004").first_name == "Mary, Jane"


def test_windows_1252_file_keeps_accented_names(constituency, wards):
    report = member_import(constituency=constituency, file=read("members_cp1252.csv"))
    assert report.ok
    assert report.encoding == "cp1252"
    assert Member.objects.get(membership_number="W0001").full_name == "Zoë Brontë"
    assert Member.objects.get(membership_number="W0002").first_name == "François"


def test_a_path_or_an_open_binary_file_are_read_as_well_as_bytes(constituency, wards):
    assert member_import(constituency=constituency, file=DATA / "members_cp1252.csv").created == 2
    with open(DATA / "members_utf8_bom_crlf.csv", "rb") as handle:
        assert member_import(constituency=constituency, file=handle).created == 4


def test_every_bad_row_is_reported_with_line_column_and_reason_and_nothing_is_written(constituency, wards):
    report = member_import(constituency=constituency, file=read("members_every_error.csv"))
    found = [(error.line, error.column) for error in report.errors]
    assert found == [
        (3, "first_name"),
        (4, "email"),
        (5, "ward"),
        (6, "joined_on"),
        (7, "joined_on"),
        (8, "membership_number"),
        (9, "status"),
    ]
    reasons = {error.line: error.reason for error in report.errors}
    assert reasons[3] == "required, but empty."
    assert "not a valid email address" in reasons[4]
    assert "unknown ward “Nowhere”" in reasons[5] and "create missing wards" in reasons[5]
    assert "not a date" in reasons[6] and "DD/MM/YYYY, YYYY-MM-DD or 3 March 2021" in reasons[6]
    assert "first on line 2" in reasons[8]
    assert "“suspended” is not a status" in reasons[9]
    assert Member.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert report.summary().startswith("Nothing was imported: 7 problems found.")


def test_missing_columns_are_named_on_the_header_line(constituency, wards):
    report = member_import(constituency=constituency, file=read("members_missing_columns.csv"))
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.line, error.column) == (1, "last_name, joined_on")
    assert error.reason.startswith("missing columns.")
    assert Member.objects.count() == 0


def test_an_empty_file_says_a_header_is_expected(constituency):
    report = member_import(constituency=constituency, file=b"\r\n\r\n")
    assert errors_as_tuples(report) == [(1, "", "the file is empty: expected a header row naming the columns.")]


def test_a_row_with_more_values_than_columns_is_reported(constituency, wards):
    data = b"membership_number,first_name,last_name,ward,joined_on\nA1,Ann,Lee,Barton,2015-01-01,surplus\n"
    report = member_import(constituency=constituency, file=data)
    assert [(error.line, error.column) for error in report.errors] == [(2, "")]
    assert "6 values" in report.errors[0].reason


def test_a_future_join_date_is_refused(constituency, wards):
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    data = f"membership_number,first_name,last_name,ward,joined_on\nA1,Ann,Lee,Barton,{tomorrow}\n".encode()
    report = member_import(constituency=constituency, file=data)
    assert [(error.line, error.column) for error in report.errors] == [(2, "joined_on")]
    assert "in the future" in report.errors[0].reason


def test_a_quoted_value_spanning_lines_keeps_later_line_numbers_physical(constituency, wards):
    data = (
        b"membership_number,first_name,last_name,ward,joined_on\n"
        b'A1,"Ann\nMarie",Lee,Barton,2015-01-01\n'
        b"A2,Bob,Lee,Nowhere,2015-01-01\n"
    )
    report = member_import(constituency=constituency, file=data)
    assert [(error.line, error.column) for error in report.errors] == [(4, "ward")]


def test_a_membership_number_of_another_constituency_is_an_error_not_a_move(constituency, wards):
    elsewhere = WardFactory(constituency=ConstituencyFactory(name="Dover"), name="Town")
    MemberFactory(membership_number="L0002", ward=elsewhere)
    report = member_import(constituency=constituency, file=read("members_utf8_bom_crlf.csv"))
    assert [(error.line, error.column) for error in report.errors] == [(3, "membership_number")]
    assert "another constituency" in report.errors[0].reason
    assert "Dover" not in report.errors[0].reason
    assert Member.objects.get(membership_number="L0002").ward == elsewhere
    assert Member.objects.count() == 1


def test_reimport_updates_by_membership_number_and_counts_created_updated_unchanged(constituency, wards, officer):
    member_import(constituency=constituency, file=read("members_utf8_bom_crlf.csv"))
    first_ids = dict(Member.objects.values_list("membership_number", "pk"))
    changed = read("members_utf8_bom_crlf.csv").replace(b"L0002,Amir,Khan,,northgate", b"L0002,Amir,Khan,,Westgate")
    changed += b"L0005,New,Person,,Barton,2016-01-01,active\r\n"
    report = member_import(constituency=constituency, file=changed, actor=officer)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 3)
    assert report.summary() == "Imported 5 members: 1 created, 1 updated, 3 unchanged."
    assert Member.objects.get(membership_number="L0002").ward.name == "Westgate"
    for number, pk in first_ids.items():
        assert Member.objects.get(membership_number=number).pk == pk
    event = AuditEvent.objects.filter(action="members.imported").first()
    assert event.actor == officer
    assert event.detail == {
        "rows": 5,
        "created": 1,
        "updated": 1,
        "unchanged": 3,
        "created_wards": 0,
        "changes": 1,
        "missing": 0,
        "missing_lapsed": 0,
        "ignored_columns": 0,
    }


def test_reimport_without_the_status_column_leaves_statuses_alone(constituency, wards):
    MemberFactory(
        membership_number="S1",
        ward=wards[0],
        status="lapsed",
        first_name="Al",
        last_name="Bo",
        joined_on=dt.date(2015, 1, 1),
    )
    data = b"membership_number,first_name,last_name,ward,joined_on\nS1,Al,Bo,Barton,2015-01-01\n"
    report = member_import(constituency=constituency, file=data)
    assert report.unchanged == 1
    assert Member.objects.get(membership_number="S1").status == "lapsed"


def test_unknown_wards_are_created_when_asked_once_each_ignoring_case_and_spaces(constituency, wards):
    refused = member_import(constituency=constituency, file=read("members_new_wards.csv"))
    assert [(error.line, error.column) for error in refused.errors] == [(3, "ward"), (4, "ward"), (5, "ward")]
    assert Ward.objects.filter(constituency=constituency).count() == 3

    report = member_import(constituency=constituency, file=read("members_new_wards.csv"), create_wards=True)
    assert report.ok
    assert report.created_wards == ["Little Stour & Adisham", "Wincheap"]
    assert "New wards: Little Stour & Adisham, Wincheap." in report.summary()
    assert Member.objects.get(membership_number="N0003").ward.name == "Little Stour & Adisham"
    assert Ward.objects.filter(constituency=constituency).count() == 5


def test_an_undecodable_or_nul_file_is_reported_not_raised(constituency):
    report = member_import(constituency=constituency, file=b"membership_number\x00,first\n")
    assert len(report.errors) == 1
    assert report.errors[0].line == 1


def test_progress_is_reported_for_large_files(constituency, wards):
    lines = ["membership_number,first_name,last_name,ward,joined_on"]
    lines += [f"P{n:06d},Ann,Lee,Barton,2015-01-01" for n in range(20_000)]
    calls = []
    report = member_import(
        constituency=constituency,
        file="\n".join(lines).encode(),
        progress=lambda phase, rows: calls.append((phase, rows)),
    )
    assert report.created == 20_000
    assert calls == [("checked", 10_000), ("checked", 20_000), ("written", 10_000), ("written", 20_000)]


def test_row_error_reads_as_a_sentence():
    assert str(RowError(4, "email", "bad.")) == "line 4, column Email: bad."
    assert str(RowError(0, "", "stale.")) == "the import: stale."
    assert str(RowError(1, "", "empty.")) == "line 1: empty."


def test_affiliates_import_with_header_case_kind_labels_and_thousands(constituency):
    report = affiliate_import(constituency=constituency, file=read("affiliates_good.csv"))
    assert report.ok, report.errors
    assert report.created == 3
    unite = Affiliate.objects.get(name="Unite Canterbury branch")
    assert (unite.kind, unite.affiliated_members, unite.delegate_email) == ("trade_union", 1200, "pat@example.org")
    fabians = Affiliate.objects.get(name="Fabian Society")
    assert (fabians.kind, fabians.affiliated_on, fabians.affiliated_members) == (
        "socialist_society",
        dt.date(2012, 6, 1),
        40,
    )


def test_affiliates_reimport_matches_by_name_and_counts(constituency):
    AffiliateFactory(
        constituency=constituency,
        name="Fabian Society",
        kind="socialist_society",
        affiliated_on=dt.date(2012, 6, 1),
        affiliated_members=40,
        delegate_name="",
        delegate_email="",
    )
    AffiliateFactory(constituency=constituency, name="Unite Canterbury branch", affiliated_members=5)
    report = affiliate_import(constituency=constituency, file=read("affiliates_good.csv"))
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert Affiliate.objects.get(name="Unite Canterbury branch").affiliated_members == 1200


def test_affiliates_every_bad_row_is_reported_and_nothing_written(constituency):
    report = affiliate_import(constituency=constituency, file=read("affiliates_every_error.csv"))
    found = [(error.line, error.column) for error in report.errors]
    assert found == [
        (2, "kind"),
        (3, "name"),
        (4, "affiliated_on"),
        (4, "affiliated_members"),
        (4, "delegate_email"),
        (5, "name"),
    ]
    assert "first on line 2" in report.errors[-1].reason
    assert Affiliate.objects.count() == 0


def test_affiliated_members_written_with_a_superscript_digit_are_a_row_error(constituency):
    data = "name,kind,affiliated_on,affiliated_members\nOrg,other,2010-01-01,1²\n".encode()
    report = affiliate_import(constituency=constituency, file=data)
    assert [(error.line, error.column) for error in report.errors] == [(2, "affiliated_members")]


@pytest.mark.parametrize("kind", ["trade_union", "Trade Union", "socialist-society", "Co-operative", "other"])
def test_affiliate_kinds_accept_their_plain_spellings(constituency, kind):
    data = f"name,kind,affiliated_on\nOrg,{kind},2010-01-01\n".encode()
    assert affiliate_import(constituency=constituency, file=data).ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-08-31", dt.date(2019, 8, 31)),
        ("31/08/2019", dt.date(2019, 8, 31)),
        ("1/2/2020", dt.date(2020, 2, 1)),
        ("29/02/2024", dt.date(2024, 2, 29)),
        ("31/8/19", dt.date(2019, 8, 31)),
        ("1/2/99", dt.date(1999, 2, 1)),
        ("2019-8-31", dt.date(2019, 8, 31)),
        ("31-08-2019", dt.date(2019, 8, 31)),
        ("31.08.2019", dt.date(2019, 8, 31)),
        ("3 March 2021", dt.date(2021, 3, 3)),
        ("3 Mar 2021", dt.date(2021, 3, 3)),
        ("3rd march 2021", dt.date(2021, 3, 3)),
        ("03-Mar-2021", dt.date(2021, 3, 3)),
        ("12 Sept 2020", dt.date(2020, 9, 12)),
        ("31/08/2019 00:00:00", dt.date(2019, 8, 31)),
        ("2019-08-31T00:00", dt.date(2019, 8, 31)),
    ],
)
def test_dates_in_the_forms_uk_exports_use_parse(text, expected):
    assert parse_date(text, dt.date(2026, 1, 1)) == expected


@pytest.mark.parametrize(
    "text", ["29/02/2023", "31/8/195", "+1/02/2020", "1/2/2020/3", "31.08", "3 Marchy 2021", "0001-01-01", ""]
)
def test_anything_else_is_not_a_date(text):
    with pytest.raises(ValueError):
        parse_date(text)

"""Headers real exports use, the officer's column mapping, and what the import says about each column."""

import pytest

from members.imports import ColumnReading, header_read, member_import
from members.models import Member

MEMBER_HEADERS = {
    "membership_number": ["Membership Number", "Membership No.", "Member ID", "MEMBERSHIP_NO", "member-number"],
    "first_name": ["First Name", "Forename", "firstname", "Given name"],
    "last_name": ["Surname", "SURNAME", "Last Name", "Family name"],
    "email": ["Email", "Email Address", "E-mail", "e_mail address"],
    "ward": ["Ward", "Ward Name", "Branch"],
    "joined_on": ["Date Joined", "Join Date", "Joined", "joined_on"],
    "status": ["Status", "Membership Status"],
    "address": ["Address Line 1", "Address1", "Town", "City", "County"],
    "postcode": ["Postcode", "Post Code", "POST-CODE"],
}
AFFILIATE_HEADERS = {
    "name": ["Organisation", "Organisation Name", "name"],
    "kind": ["Type", "kind"],
    "affiliated_on": ["Date of Affiliation", "Affiliated on"],
    "affiliated_members": ["Affiliated Members", "Members"],
    "delegate_name": ["Delegate", "Delegate's name", "Delegate’s Name"],
    "delegate_email": ["Delegate email", "Delegate's email"],
}


def fields_read(kind, header):
    reading = header_read(kind=kind, file=(header + "\r\n").encode())
    assert reading.error is None
    return [column.field for column in reading.columns]


@pytest.mark.parametrize(("field", "header"), [(f, h) for f, names in MEMBER_HEADERS.items() for h in names])
def test_each_members_header_real_exports_use_is_recognised(field, header):
    assert fields_read("members", f" {header} ") == [field]


@pytest.mark.parametrize(("field", "header"), [(f, h) for f, names in AFFILIATE_HEADERS.items() for h in names])
def test_each_affiliates_header_real_exports_use_is_recognised(field, header):
    assert fields_read("affiliates", header) == [field]


def test_header_read_names_each_column_what_it_fills_and_what_is_not_recognised():
    data = "\ufeffMembership No.,Forename,SURNAME,Ward Name,Date Joined,Notes,,Address Line 1,Town\r\n".encode()
    reading = header_read(kind="members", file=data)
    assert reading.encoding == "utf-8-sig"
    assert reading.columns[0] == ColumnReading(0, "Membership No.", "membership_number", "recognised")
    assert reading.columns[5] == ColumnReading(5, "Notes", None, "ignored")
    assert reading.columns[6].display == "column 7 (no heading)"
    assert [column.field for column in reading.columns[7:]] == ["address", "address"]
    assert reading.unrecognised == ["Notes"]
    assert reading.missing_required == []


def test_a_column_map_fills_fields_ignores_columns_and_overrides_an_alias():
    data = b"Ref,Given,Family,Area,Start,Email,Status\n"
    column_map = {"ref": "membership_number", " GIVEN ": "first_name", "family": "Surname", "area": "ward",
                  "start": "joined_on", "Email": "", "status": "ignore"}  # fmt: skip
    reading = header_read(kind="members", file=data, column_map=column_map)
    assert [(column.field, column.how) for column in reading.columns] == [
        ("membership_number", "mapped"),
        ("first_name", "mapped"),
        ("last_name", "mapped"),
        ("ward", "mapped"),
        ("joined_on", "mapped"),
        (None, "ignored"),
        (None, "ignored"),
    ]
    assert reading.unrecognised == [] and reading.missing_required == []


def test_mapping_to_a_field_that_does_not_exist_is_refused_in_plain_words():
    reading = header_read(kind="members", file=b"Ref\n", column_map={"Ref": "shoe_size"})
    assert "“Ref” is mapped to “shoe_size”, which is not a field" in reading.error.reason


def test_two_columns_filling_one_field_are_refused_with_both_named():
    reading = header_read(kind="members", file=b"Surname,Last Name\n")
    assert reading.error.line == 1
    assert reading.error.reason.startswith("the columns “Surname” and “Last Name” would both fill Surname")


def test_missing_required_columns_are_listed_without_contradiction(constituency, wards):
    reading = header_read(kind="members", file=b"Membership No,Forename,Email,Ward\n")
    assert reading.missing_required == ["last_name", "joined_on"]
    report = member_import(constituency=constituency, file=b"Membership No,Forename,Email,Ward\nA1,Ann,,Barton\n")
    (error,) = report.errors
    assert error.column == "last_name, joined_on"
    assert "No column of the header fills Surname, Date joined." in error.reason
    assert "optional" not in error.reason
    assert "Email" not in error.reason  # a column the file has is not named as missing


def test_the_header_of_an_empty_file_or_a_pdf_is_an_error_not_an_exception():
    assert header_read(kind="members", file=b"").error.reason.startswith("the file is empty")
    assert "PDF" in header_read(kind="affiliates", file=b"%PDF-1.7\n...").error.reason


def test_columns_not_used_are_named_in_the_report_and_its_summary(constituency, wards):
    data = b"membership_number,first_name,last_name,ward,joined_on,Notes,Shoe size\nA1,Ann,Lee,Barton,2015-01-01,x,9\n"
    report = member_import(constituency=constituency, file=data, dry_run=True)
    assert report.ignored_columns == ["Notes", "Shoe size"]
    assert "Columns not used: Notes, Shoe size." in report.summary()
    assert Member.objects.count() == 0


def test_a_recognised_optional_field_empty_in_every_row_is_pointed_out(constituency, wards):
    data = b"membership_number,first_name,last_name,ward,joined_on,Email Address,Status\n"
    data += b"A1,Ann,Lee,Barton,2015-01-01,,active\nA2,Bob,Lee,Barton,2015-01-01,,\n"
    report = member_import(constituency=constituency, file=data)
    assert report.empty_fields == ["email"]
    assert "Empty in every row: Email." in report.summary()


def test_address_lines_town_and_county_are_joined_in_order_and_the_postcode_kept_apart(constituency, wards):
    data = (
        b"membership_number,first_name,last_name,ward,joined_on,Address Line 1,Address Line 2,Town,County,Postcode\n"
        b"A1,Ann,Lee,Barton,2015-01-01,Flat 2,,Canterbury,Kent,ct1  2ab\n"
    )
    assert member_import(constituency=constituency, file=data).ok
    member = Member.objects.get()
    assert (member.address, member.postcode) == ("Flat 2\nCanterbury\nKent", "CT1 2AB")

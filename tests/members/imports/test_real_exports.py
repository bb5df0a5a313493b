"""Files shaped like real party exports import with no renaming: the issue's own case, end to end."""

import datetime as dt
from pathlib import Path

from members.imports import affiliate_import, member_import
from members.models import Affiliate, Member

DATA = Path(__file__).parent.parent / "data"


def read(name):
    return (DATA / name).read_bytes()


def test_the_issues_export_is_read_with_no_renaming_and_its_bad_email_on_line_201_reported(constituency, wards):
    report = member_import(constituency=constituency, file=read("members_issue_shape.csv"))
    assert report.ignored_columns == []
    assert [(error.line, error.column) for error in report.errors] == [(201, "email")]
    assert Member.objects.count() == 0
    fixed = read("members_issue_shape.csv").replace(b"member200@example,", b"member200@example.org,")
    report = member_import(constituency=constituency, file=fixed)
    assert report.ok and report.created == 300
    assert Member.objects.filter(status="active").count() == 240
    assert Member.objects.filter(status="arrears").count() == 30
    assert Member.objects.filter(status="lapsed").count() == 30
    assert Member.objects.exclude(email="").count() == 300
    assert Member.objects.get(membership_number="K00001").joined_on == dt.date(2018, 2, 2)


def test_a_utf8_export_with_bom_crlf_word_dates_and_address_columns_imports(constituency, wards):
    report = member_import(constituency=constituency, file=read("members_real_export.csv"), dry_run=True)
    assert report.ignored_columns == ["Notes"]
    assert report.summary().endswith("Columns not used: Notes.")
    report = member_import(constituency=constituency, file=read("members_real_export.csv"))
    assert report.ok, report.errors
    zoe = Member.objects.get(membership_number="L100001")
    assert (zoe.first_name, zoe.last_name, zoe.status, zoe.joined_on) == (
        "Zoë",
        "Brontë",
        "active",
        dt.date(2015, 3, 1),
    )
    assert (zoe.address, zoe.postcode) == ("12 Haworth Row\nCanterbury", "CT1 2AB")
    amir = Member.objects.get(membership_number="L100002")
    assert (amir.status, amir.joined_on, amir.ward.name) == ("arrears", dt.date(2021, 3, 3), "Northgate")
    assert amir.address == "Flat 2\n4 Station Road\nCanterbury"
    assert Member.objects.get(membership_number="L100003").status == "lapsed"
    assert Member.objects.get(membership_number="L100004").first_name == "Mary, Jane"


def test_a_windows_1252_export_with_pounds_accents_and_short_years_imports(constituency, wards):
    report = member_import(constituency=constituency, file=read("members_real_export_cp1252.csv"))
    assert report.ok, report.errors
    assert report.encoding == "cp1252"
    assert report.ignored_columns == ["Subscription £"]
    zoe = Member.objects.get(membership_number="W0001")
    assert (zoe.full_name, zoe.joined_on, zoe.address) == (
        "Zoë Brontë",
        dt.date(2016, 5, 5),
        "2 Rue Lane\nCanterbury\nKent",
    )
    francois = Member.objects.get(membership_number="W0002")
    assert (francois.last_name, francois.status, francois.joined_on) == ("Lefèvre", "arrears", dt.date(2018, 7, 7))
    renee = Member.objects.get(membership_number="W0003")
    assert (renee.first_name, renee.status, renee.joined_on) == ("Renée", "lapsed", dt.date(2019, 9, 9))


def test_an_affiliates_export_with_organisation_and_type_headers_imports(constituency):
    report = affiliate_import(constituency=constituency, file=read("affiliates_real_export.csv"))
    assert report.ok, report.errors
    assert report.ignored_columns == []
    unite = Affiliate.objects.get(name="Unite Canterbury branch")
    assert (unite.kind, unite.affiliated_members, unite.delegate_name) == ("trade_union", 1200, "Pat Jones")
    assert Affiliate.objects.get(name="Fabian Society").affiliated_on == dt.date(2012, 6, 1)
    assert Affiliate.objects.get(name="Co-operative Party Canterbury").kind == "cooperative"


def test_a_corrected_reimport_says_what_changed_and_who_is_missing(constituency, wards):
    fixed = read("members_issue_shape.csv").replace(b"member200@example,", b"member200@example.org,")
    member_import(constituency=constituency, file=fixed)
    lines = fixed.split(b"\r\n")
    changed = lines[1].replace(b"First1,", b"Firstone,")
    again = b"\r\n".join([lines[0], changed, *lines[2:-2]]) + b"\r\n"  # the last member left out
    report = member_import(constituency=constituency, file=again, dry_run=True)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 298)
    assert [(c.line, c.key, c.field, c.old, c.new) for c in report.changes] == [
        (2, "K00001", "first_name", "First1", "Firstone")
    ]
    assert report.missing == [("K00300", "First300 Last300")]

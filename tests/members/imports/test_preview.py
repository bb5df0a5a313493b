"""Preview, then confirm: the dry run's counts, changes and missing members; confirming exactly what was previewed."""

import datetime as dt

from members.imports import CHANGES_KEPT, FieldChange, affiliate_import, member_import
from members.models import Affiliate, AuditEvent, Member, Ward
from tests.factories import AffiliateFactory, MemberFactory

HEADER = "membership_number,first_name,last_name,ward,joined_on,email,status\n"


def stored(wards, number, **fields):
    values = {"first_name": "Ann", "last_name": "Lee", "ward": wards[0], "joined_on": dt.date(2015, 1, 1),
              "email": "", "status": "active"}  # fmt: skip
    values.update(fields)
    return MemberFactory(membership_number=number, **values)


def test_a_dry_run_counts_and_lists_changes_field_by_field_and_writes_nothing(constituency, wards, officer):
    stored(wards, "A1")
    stored(wards, "A2", email="old@example.org")
    data = HEADER + "A1,Ann,Lee,Barton,2015-01-01,,active\nA2,Ann,Lee,Westgate,2015-01-01,new@example.org,In Arrears\n"
    data += "A3,New,Person,Barton,2016-01-01,,\n"
    seen = []
    report = member_import(constituency=constituency, file=data.encode(), dry_run=True, on_change=seen.append)
    assert report.ok and report.dry_run
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert (
        report.changes
        == seen
        == [
            FieldChange(3, "A2", "Ann Lee", "ward", "Barton", "Westgate"),
            FieldChange(3, "A2", "Ann Lee", "email", "old@example.org", "new@example.org"),
            FieldChange(3, "A2", "Ann Lee", "status", "Active", "In arrears"),
        ]
    )
    assert report.changes_total == 3
    assert report.summary().startswith("Nothing has been imported yet. The file has 3 members: 1 would be created")
    assert Member.objects.count() == 2
    assert Member.objects.get(membership_number="A2").email == "old@example.org"
    assert AuditEvent.objects.count() == 0
    assert len(report.fingerprint) == 64


def test_only_the_first_changes_are_kept_but_every_one_is_passed_on(constituency, wards):
    for n in range(CHANGES_KEPT + 50):
        stored(wards, f"C{n}")
    data = HEADER + "".join(f"C{n},Ann,Lee,Barton,2015-01-01,,lapsed\n" for n in range(CHANGES_KEPT + 50))
    seen = []
    report = member_import(constituency=constituency, file=data.encode(), dry_run=True, on_change=seen.append)
    assert len(report.changes) == CHANGES_KEPT
    assert report.changes_total == len(seen) == CHANGES_KEPT + 50


def test_members_missing_from_the_file_are_listed_and_left_unless_lapse_is_chosen(constituency, wards, officer):
    stored(wards, "A1")
    stored(wards, "GONE1", first_name="Gail", last_name="One")
    stored(wards, "GONE2", first_name="Gus", last_name="Two", status="arrears")
    stored(wards, "OLD", status="lapsed")  # already lapsed: not missing
    data = (HEADER + "A1,Ann,Lee,Barton,2015-01-01,,active\n").encode()
    preview = member_import(constituency=constituency, file=data, dry_run=True, missing="lapse")
    assert preview.missing == [("GONE1", "Gail One"), ("GONE2", "Gus Two")]
    assert preview.missing_total == 2 and preview.missing_lapsed == 0
    assert "2 members of the constituency are not in the file." in preview.summary()
    left = member_import(constituency=constituency, file=data)
    assert left.missing_lapsed == 0
    assert Member.objects.get(membership_number="GONE1").status == "active"
    lapsed = member_import(constituency=constituency, file=data, missing="lapse", actor=officer)
    assert lapsed.missing_lapsed == 2
    assert "2 members not in the file marked lapsed." in lapsed.summary()
    assert set(Member.objects.filter(status="lapsed").values_list("membership_number", flat=True)) == {
        "GONE1", "GONE2", "OLD"
    }  # fmt: skip
    event = AuditEvent.objects.filter(action="members.imported").first()
    assert (event.detail["missing"], event.detail["missing_lapsed"]) == (2, 2)


def test_confirming_with_the_previews_fingerprint_applies_it(constituency, wards, officer):
    data = (HEADER + "A1,Ann,Lee,Barton,2015-01-01,,active\n").encode()
    preview = member_import(constituency=constituency, file=data, dry_run=True)
    report = member_import(
        constituency=constituency, file=data, expected_fingerprint=preview.fingerprint, actor=officer
    )
    assert report.ok and report.created == 1
    assert report.fingerprint == preview.fingerprint
    event = AuditEvent.objects.get(action="members.imported")
    assert (event.actor, event.detail["created"]) == (officer, 1)


def test_confirming_is_refused_when_the_members_file_or_options_changed_since_the_preview(constituency, wards):
    data = (HEADER + "A1,Ann,Lee,Barton,2015-01-01,,active\n").encode()
    fingerprint = member_import(constituency=constituency, file=data, dry_run=True).fingerprint
    other_file = data.replace(b"Ann", b"Anne")
    for kwargs in ({"file": other_file}, {"file": data, "missing": "lapse"}, {"file": data, "create_wards": True},
                   {"file": data, "value_map": {"status": {"gold": "active"}}},
                   {"file": data, "column_map": {"email": ""}}):  # fmt: skip
        report = member_import(constituency=constituency, expected_fingerprint=fingerprint, **kwargs)
        assert report.errors[0].reason.startswith("the file, its settings or the stored records have changed")
        assert report.stale
        assert (report.created, report.changes) == (0, [])
    stored(wards, "Z9")  # someone else's change to the members
    report = member_import(constituency=constituency, file=data, expected_fingerprint=fingerprint)
    assert not report.ok
    assert Member.objects.count() == 1
    assert AuditEvent.objects.count() == 0


def test_a_dry_run_with_create_wards_names_the_wards_it_would_make_without_making_them(constituency, wards):
    data = (HEADER + "A1,Ann,Lee,Wincheap,2015-01-01,,active\n").encode()
    report = member_import(constituency=constituency, file=data, dry_run=True, create_wards=True)
    assert report.created_wards == ["Wincheap"]
    assert "New wards would be made: Wincheap." in report.summary()
    assert not Ward.objects.filter(name="Wincheap").exists()


def test_a_ward_change_to_a_ward_still_to_be_made_is_shown_by_name(constituency, wards):
    stored(wards, "A1")
    data = (HEADER + "A1,Ann,Lee,Wincheap,2015-01-01,,active\n").encode()
    report = member_import(constituency=constituency, file=data, dry_run=True, create_wards=True)
    assert report.changes == [FieldChange(2, "A1", "Ann Lee", "ward", "Barton", "Wincheap")]


def test_affiliates_preview_lists_their_changes_and_confirm_applies(constituency):
    AffiliateFactory(constituency=constituency, name="Fabian Society", kind="socialist_society",
                     affiliated_on=dt.date(2012, 6, 1), affiliated_members=30)  # fmt: skip
    data = "Organisation,Type,Date of Affiliation,Affiliated Members\nFabian Society,Socialist Society,1 June 2012,40\n"
    preview = affiliate_import(constituency=constituency, file=data.encode(), dry_run=True)
    assert preview.changes == [FieldChange(2, "Fabian Society", "Fabian Society", "affiliated_members", "30", "40")]
    assert Affiliate.objects.get().affiliated_members == 30
    done = affiliate_import(constituency=constituency, file=data.encode(), expected_fingerprint=preview.fingerprint)
    assert done.updated == 1
    assert Affiliate.objects.get().affiliated_members == 40


def test_progress_reports_the_compare_phase_of_a_dry_run(constituency, wards):
    data = HEADER + "".join(f"P{n},Ann,Lee,Barton,2015-01-01,,\n" for n in range(10_000))
    calls = []
    member_import(constituency=constituency, file=data.encode(), dry_run=True, progress=lambda *a: calls.append(a))
    assert calls == [("checked", 10_000), ("compared", 10_000)]

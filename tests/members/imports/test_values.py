"""Values real exports use: status and type words, mapped words, unknown words summarised, errors grouped and capped."""

import pytest

from members.imports import ERRORS_KEPT, affiliate_import, member_import
from members.imports.report import lines_compress
from members.models import Affiliate, Member

HEADER = "membership_number,first_name,last_name,ward,joined_on,status\n"


def members_file(statuses):
    return (HEADER + "".join(f"S{n},Ann,Lee,Barton,2015-01-01,{word}\n" for n, word in enumerate(statuses))).encode()


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("Current", "active"),
        ("ACTIVE", "active"),
        ("Member", "active"),
        ("Paid", "active"),
        ("Full", "active"),
        ("", "active"),
        ("In Arrears", "arrears"),
        ("in-arrears", "arrears"),
        ("Arrears", "arrears"),
        ("Lapsing", "arrears"),
        ("Lapsed", "lapsed"),
        ("Resigned", "lapsed"),
        ("Expired", "lapsed"),
        ("Cancelled", "lapsed"),
    ],
)
def test_status_words_real_exports_use_are_understood(constituency, wards, word, status):
    assert member_import(constituency=constituency, file=members_file([word])).ok
    assert Member.objects.get().status == status


def test_an_unknown_status_word_on_many_rows_is_summarised_once_and_offered_for_mapping(constituency, wards):
    report = member_import(constituency=constituency, file=members_file(["Gold"] * 302 + ["Current"]))
    assert report.unknown_values == {"status": {"Gold": 302}}
    assert report.errors_total == 302 and len(report.errors) == 302
    (group,) = report.error_groups
    assert (group.column, group.count, group.lines, group.value) == ("status", 302, "lines 2-303", "Gold")
    assert str(group).startswith("“Gold” in Status on 302 rows: lines 2-303: not a status")
    assert Member.objects.count() == 0


def test_a_value_map_makes_the_officers_words_count(constituency, wards):
    report = member_import(
        constituency=constituency,
        file=members_file(["Gold", "gold ", "Silver"]),
        value_map={"status": {"Gold": "active", "SILVER": "In arrears"}},
    )
    assert report.ok, report.errors
    assert sorted(Member.objects.values_list("status", flat=True)) == ["active", "active", "arrears"]


def test_a_value_map_to_no_such_status_is_refused(constituency, wards):
    report = member_import(constituency=constituency, file=members_file(["Gold"]), value_map={"status": {"Gold": "x"}})
    assert report.errors[0].reason == "“Gold” is mapped to “x”, which is not a status."


@pytest.mark.parametrize(
    ("word", "kind"),
    [("Trade Union", "trade_union"), ("TU", "trade_union"), ("Socialist Society", "socialist_society"),
     ("Co-op", "cooperative"), ("Co-operative Party", "cooperative"), ("Other", "other")],
)  # fmt: skip
def test_affiliate_type_words_are_understood(constituency, word, kind):
    data = f"Organisation,Type,Date of Affiliation\nOrg,{word},3 March 2010\n".encode()
    assert affiliate_import(constituency=constituency, file=data).ok
    assert Affiliate.objects.get().kind == kind


def test_an_unknown_affiliate_type_can_be_mapped(constituency):
    data = b"Organisation,Type\xef\xbb\xbf,Date of Affiliation\nOrg,Guild,01/01/2010\n"
    refused = affiliate_import(constituency=constituency, file=data)
    assert refused.unknown_values == {"kind": {"Guild": 1}}
    assert affiliate_import(constituency=constituency, file=data, value_map={"kind": {"guild": "other"}}).ok


def test_the_same_error_on_scattered_lines_is_one_group_with_compressed_ranges(constituency, wards):
    words = ["Current"] * 60
    for index in [*range(0, 39), 43, *range(48, 59)]:
        words[index] = "Gold"
    report = member_import(constituency=constituency, file=members_file(words))
    (group,) = report.error_groups
    assert group.lines == "lines 2-40, 45, 50-60"


def test_lines_compress_reads_as_plain_ranges():
    assert lines_compress([[7, 7]]) == "line 7"
    assert lines_compress([[2, 40], [45, 45]]) == "lines 2-40, 45"
    assert lines_compress([[2, 3]], more=4) == "lines 2-3 and 4 more"


def test_different_errors_stay_apart_and_one_off_errors_read_as_the_row_error(constituency, wards):
    data = HEADER + "A1,,Lee,Barton,2015-01-01,\nA2,Bob,Lee,Nowhere,2015-01-01,\nA3,Cy,Lee,Nowhere,2015-01-01,\n"
    report = member_import(constituency=constituency, file=data.encode())
    assert [str(group) for group in report.error_groups] == [
        "line 2, column First name: required, but empty.",
        "“Nowhere” in Ward on 2 rows: lines 3-4: unknown ward in Canterbury. Add the ward first, or tick "
        "“create missing wards”.",
    ]
    assert list(report.errors_csv_rows())[0] == (2, "First name", "required, but empty.")


def test_errors_kept_are_capped_while_the_total_stays_true(constituency, wards):
    count = ERRORS_KEPT + 500
    report = member_import(constituency=constituency, file=members_file(["Gold"] * count))
    assert len(report.errors) == ERRORS_KEPT
    assert report.errors_total == count
    assert report.error_groups[0].count == count
    assert report.summary().startswith(f"Nothing was imported: {count:,} problems found.")


def test_many_distinct_bad_values_keep_bounded_groups_and_words(constituency, wards):
    report = member_import(constituency=constituency, file=members_file([f"word{n}" for n in range(3000)]))
    assert report.errors_total == 3000
    assert len(report.error_groups) <= 1000
    assert len(report.unknown_values["status"]) == 100

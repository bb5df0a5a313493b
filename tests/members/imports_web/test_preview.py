"""The preview page: counts, columns not used, empty fields, problems grouped (and as CSV),
unknown status words offered for mapping, changes paginated (and as CSV), the members missing
from the file with the choice to lapse them, the progress page, and constant queries."""

import csv
import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import ImportMapping, Member, MemberImport, MemberImportChange
from tests.members.imports_web.conftest import EXPORT_HEADER, EXPORT_ROWS, export_bytes, latest_run, run_url


def previewed(client, constituency, upload, **kwargs):
    response = upload(client, constituency, export_bytes(**kwargs))
    run = latest_run()
    assert response["Location"] == run_url(run), response.content.decode()[:2000]
    return run


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_preview_gives_the_counts_the_changes_and_the_missing_member(
    officer_client, constituency, existing, upload
):
    run = previewed(officer_client, constituency, upload)
    page = officer_client.get(run_url(run)).content.decode()
    assert "Preview of export.csv" in page
    assert "Nothing has been imported yet. The file has 4 members: 2 would be created, 1 updated, 1 unchanged." in page
    assert "<dt>New members</dt><dd>2</dd>" in page
    assert "Bob Baker (L0002)" in page
    assert "bob@example.org" in page and "bob.new@example.org" in page
    assert "Members not in the file" in page
    assert "<td>L0099</td><td>Zed Gone</td>" in page
    assert "leave them as they are" in page
    assert "Confirm and import" in page
    assert "(UK time)" in page and ("GMT" in page or "BST" in page)


def test_the_preview_names_columns_not_used_and_fields_empty_in_every_row(
    officer_client, constituency, existing, upload
):
    ImportMapping.objects.create(constituency=constituency, kind="members", column_map={"Mobile": ""})
    header = EXPORT_HEADER + ",Postcode,Mobile"
    rows = [row + ",,0770" for row in EXPORT_ROWS]
    run = previewed(officer_client, constituency, upload, header=header, rows=rows)
    page = officer_client.get(run_url(run)).content.decode()
    assert "<strong>Not used:</strong> Mobile." in page
    assert "<strong>Empty in every row:</strong> Postcode." in page


def test_problems_are_grouped_on_the_page_and_every_one_is_in_the_csv(officer_client, constituency, wards, upload):
    rows = [f"G{n:04d},Gil,Gold,Barton,01/01/2015,,Gold" for n in range(30)] + ["G9999,,Nameless,Barton,x,,Current"]
    run = previewed(officer_client, constituency, upload, rows=rows)
    page = officer_client.get(run_url(run)).content.decode()
    assert "This file cannot be imported yet" in page
    assert "“Gold” in Status on 30 rows: lines 2-31" in page
    assert "Confirm and import" not in page
    assert page.count("<li>“Gold” in Status") == 1
    problems = read_csv(officer_client.get(run_url(run, "import_errors_csv")))
    assert problems[0] == ["Line", "Column", "Problem"]
    assert len([row for row in problems[1:] if row[1] == "Status"]) == 30
    assert any(row[0] == "32" for row in problems[1:])


def test_unknown_status_words_are_offered_for_mapping_then_previewed_again(
    officer_client, constituency, wards, upload, queued
):
    rows = [f"G{n:04d},Gil,Gold,Barton,01/01/2015,,Gold" for n in range(3)] + ["G0100,Pat,Paid,Barton,1/1/15,,Honorary"]
    run = previewed(officer_client, constituency, upload, rows=rows)
    page = officer_client.get(run_url(run)).content.decode()
    assert "Words the import does not know" in page
    assert "“Gold” (3 rows)" in page
    assert "“Honorary” (1 row)" in page

    response = queued(
        officer_client, run_url(run, "import_values"), {"value_status_0": "active", "value_status_1": "lapsed"}
    )
    assert response["Location"] == run_url(run)
    run.refresh_from_db()
    assert run.state == MemberImport.State.PREVIEWED
    assert run.summary["ok"] is True
    assert run.summary["created"] == 4
    assert run.value_map == {"status": {"gold": "active", "honorary": "lapsed"}}


def test_no_meaning_chosen_says_so(officer_client, constituency, wards, upload, queued):
    rows = ["G0001,Gil,Gold,Barton,01/01/2015,,Gold"]
    run = previewed(officer_client, constituency, upload, rows=rows)
    response = queued(officer_client, run_url(run, "import_values"), {"value_status_0": ""}, follow=True)
    assert "Choose a meaning for at least one of the words" in response.content.decode()


def test_changes_are_paginated_by_fifty_and_all_in_the_csv(officer_client, constituency, wards, upload):
    Member.objects.bulk_create(
        Member(
            membership_number=f"C{n:04d}",
            first_name="Old",
            last_name=f"Name {n:04d}",
            ward=wards[0],
            joined_on=dt.date(2015, 1, 1),
        )
        for n in range(120)
    )
    rows = [f"C{n:04d},New,Name {n:04d},Barton,01/01/2015,,Current" for n in range(120)]
    run = previewed(officer_client, constituency, upload, rows=rows)
    assert MemberImportChange.objects.filter(run=run).count() == 120
    first = officer_client.get(run_url(run)).content.decode()
    assert "Page 1 of 3 (120 in all)." in first
    assert first.count("<td>Old</td>") == 50
    third = officer_client.get(run_url(run), {"page": 3}).content.decode()
    assert third.count("<td>Old</td>") == 20
    assert officer_client.get(run_url(run), {"page": "last"}).status_code == 200
    assert officer_client.get(run_url(run), {"page": "x\x00y", "missing_page": "-4"}).status_code == 200
    rows = read_csv(officer_client.get(run_url(run, "import_changes_csv")))
    assert rows[0] == ["Line", "Membership number", "Name", "Field", "Was", "Becomes"]
    assert len(rows) == 121
    assert rows[1][3:] == ["First name", "Old", "New"]


def test_choosing_to_lapse_the_missing_members_previews_again_with_that_choice(
    officer_client, constituency, existing, upload, queued
):
    run = previewed(officer_client, constituency, upload)
    response = queued(officer_client, run_url(run, "import_missing"), {"missing": "lapse"})
    assert response["Location"] == run_url(run)
    run.refresh_from_db()
    assert run.missing == "lapse"
    assert run.state == MemberImport.State.PREVIEWED
    assert "The import will <strong>mark them lapsed</strong>." in officer_client.get(run_url(run)).content.decode()


def test_the_progress_page_refreshes_itself_and_has_a_refresh_link(officer_client, constituency, existing, upload):
    run = previewed(officer_client, constituency, upload)
    MemberImport.objects.filter(pk=run.pk).update(state="previewing", progress_phase="checked", progress_rows=20000)
    page = officer_client.get(run_url(run)).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "20,000 rows checked so far." in page
    assert f'<a href="{run_url(run)}">Refresh now</a>' in page


def test_an_affiliates_file_is_previewed_too(officer_client, constituency, upload):
    content = "Organisation,Type,Date of Affiliation,Affiliated Members\r\nUnite,Trade Union,01/02/2010,120\r\n"
    upload(officer_client, constituency, content.encode(), kind="affiliates")
    run = latest_run()
    assert run.state == MemberImport.State.PREVIEWED
    page = officer_client.get(run_url(run)).content.decode()
    assert "<dt>New organisations</dt><dd>1</dd>" in page
    assert "Members not in the file" not in page


def test_the_preview_page_runs_the_same_number_of_queries_for_few_and_many_changes(
    officer_client, constituency, wards, upload, django_assert_num_queries
):
    def preview_of(prefix, count):
        Member.objects.bulk_create(
            Member(
                membership_number=f"{prefix}{n:04d}",
                first_name="Old",
                last_name="Person",
                ward=wards[0],
                joined_on=dt.date(2015, 1, 1),
            )
            for n in range(count)
        )
        rows = [f"{prefix}{n:04d},New,Person,Barton,01/01/2015,,Current" for n in range(count)]
        return previewed(officer_client, constituency, upload, rows=rows)

    small = preview_of("S", 3)
    officer_client.get(run_url(small))  # the session and permissions warmed alike
    with CaptureQueriesContext(connection) as captured:
        officer_client.get(run_url(small))
    baseline = len(captured)
    Member.objects.filter(membership_number__startswith="S").delete()
    large = preview_of("M", 400)
    assert large.summary["missing_total"] == 0
    with django_assert_num_queries(baseline):
        officer_client.get(run_url(large))


def test_a_run_of_another_constituency_is_not_found(officer_client, constituency, existing, upload, other_officer):
    run = previewed(officer_client, constituency, upload)
    dover = other_officer.constituencies.get()
    assert officer_client.get(reverse("members:import_run", args=[dover.pk, run.pk])).status_code == 403
    officer_client.force_login(other_officer)
    assert officer_client.get(reverse("members:import_run", args=[dover.pk, run.pk])).status_code == 404
    assert officer_client.get(run_url(run)).status_code == 403
    assert officer_client.get(run_url(run, "import_changes_csv")).status_code == 403
    assert officer_client.get(run_url(run, "import_errors_csv")).status_code == 403

"""Confirming: exactly the previewed import is applied in the background, then the done page;
refused with a clear message when anything changed since the preview; the file deleted once
applied or after a day."""

import datetime as dt

import pytest
from django.utils import timezone

from members import import_runs
from members.models import AuditEvent, Member, MemberImport, MemberImportChange, MemberImportMissing
from tests.members.imports_web.conftest import export_bytes, latest_run, run_url


@pytest.fixture
def run(officer_client, constituency, existing, upload):
    upload(officer_client, constituency, export_bytes())
    return latest_run()


def test_confirming_applies_the_preview_and_shows_the_counts(officer_client, officer, run, queued):
    response = queued(officer_client, run_url(run, "import_confirm"))
    assert response["Location"] == run_url(run)
    run.refresh_from_db()
    assert run.state == MemberImport.State.APPLIED
    assert run.applied_by == officer
    assert bytes(run.file) == b"" and run.file_deleted_at is not None
    bob = Member.objects.get(membership_number="L0002")
    assert (bob.email, bob.status) == ("bob.new@example.org", "arrears")
    assert Member.objects.filter(membership_number__in=["L0003", "L0004"]).count() == 2
    assert Member.objects.get(membership_number="L0099").status == "active"
    event = AuditEvent.objects.get(action="members.imported")
    assert event.actor == officer
    assert event.detail["created"] == 2

    page = officer_client.get(run_url(run)).content.decode()
    assert "Imported export.csv" in page
    assert "<dt>Created</dt><dd>2</dd>" in page
    assert "<dt>Updated</dt><dd>1</dd>" in page
    assert "The uploaded file has been deleted." in page


def test_confirming_with_lapse_chosen_marks_the_missing_members_lapsed(officer_client, run, queued):
    queued(officer_client, run_url(run, "import_missing"), {"missing": "lapse"})
    queued(officer_client, run_url(run, "import_confirm"))
    run.refresh_from_db()
    assert run.state == MemberImport.State.APPLIED
    assert Member.objects.get(membership_number="L0099").status == "lapsed"
    assert "<dt>Not in the file, marked lapsed</dt><dd>1</dd>" in officer_client.get(run_url(run)).content.decode()


def test_a_member_changed_after_the_preview_makes_it_stale_and_nothing_is_written(officer_client, run, queued):
    Member.objects.filter(membership_number="L0001").update(email="changed@example.org")
    queued(officer_client, run_url(run, "import_confirm"))
    run.refresh_from_db()
    assert run.state == MemberImport.State.STALE
    assert not Member.objects.filter(membership_number="L0003").exists()
    assert not AuditEvent.objects.filter(action="members.imported").exists()
    page = officer_client.get(run_url(run)).content.decode()
    assert "The preview is out of date" in page
    assert "changed after the preview was made" in page

    queued(officer_client, run_url(run, "import_preview"))
    run.refresh_from_db()
    assert run.state == MemberImport.State.PREVIEWED
    queued(officer_client, run_url(run, "import_confirm"))
    run.refresh_from_db()
    assert run.state == MemberImport.State.APPLIED
    assert Member.objects.get(membership_number="L0001").email == "ann@example.org"


def test_a_changed_mapping_after_the_preview_is_stale_too(officer_client, run, queued):
    MemberImport.objects.filter(pk=run.pk).update(value_map={"status": {"gold": "active"}})
    queued(officer_client, run_url(run, "import_confirm"))
    run.refresh_from_db()
    assert run.state == MemberImport.State.STALE


def test_a_preview_with_problems_cannot_be_confirmed(officer_client, constituency, wards, upload, queued):
    upload(officer_client, constituency, export_bytes(rows=["G0001,Gil,Gold,Barton,01/01/2015,,Gold"]))
    bad = latest_run()
    response = queued(officer_client, run_url(bad, "import_confirm"), follow=True)
    assert "Only a preview without problems can be confirmed." in response.content.decode()
    bad.refresh_from_db()
    assert bad.state == MemberImport.State.PREVIEWED
    assert not Member.objects.filter(membership_number="G0001").exists()


def test_confirming_twice_applies_once(officer_client, run, queued):
    queued(officer_client, run_url(run, "import_confirm"))
    response = queued(officer_client, run_url(run, "import_confirm"), follow=True)
    assert "This import has been confirmed already." in response.content.decode()
    assert AuditEvent.objects.filter(action="members.imported").count() == 1


def test_nothing_can_be_changed_once_applied(officer_client, run, queued):
    queued(officer_client, run_url(run, "import_confirm"))
    response = queued(officer_client, run_url(run, "import_missing"), {"missing": "lapse"}, follow=True)
    assert "The uploaded file has been deleted" in response.content.decode()
    run.refresh_from_db()
    assert run.missing == "leave"


def test_the_apply_page_shows_progress_while_applying(officer_client, run):
    MemberImport.objects.filter(pk=run.pk).update(state="applying", progress_phase="written", progress_rows=10000)
    page = officer_client.get(run_url(run)).content.decode()
    assert "Importing export.csv" in page
    assert "10,000 rows written so far." in page
    assert 'http-equiv="refresh"' in page


def test_a_failure_in_the_worker_is_shown_and_nothing_is_written(officer_client, run, queued, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk on fire: L0001")

    monkeypatch.setattr(import_runs.engine, "member_import", broken)
    queued(officer_client, run_url(run, "import_confirm"))
    run.refresh_from_db()
    assert run.state == MemberImport.State.FAILED
    assert run.failure == "The import could not be applied (RuntimeError); nothing was changed."
    page = officer_client.get(run_url(run)).content.decode()
    assert "export.csv was not imported" in page
    assert "Preview the import again" in page
    assert not Member.objects.filter(membership_number="L0003").exists()


def test_uploads_are_deleted_after_a_day_with_their_preview(officer_client, run):
    assert import_runs.member_imports_expire() == 0
    later = timezone.now() + dt.timedelta(hours=25)
    assert import_runs.member_imports_expire(now=later) == 1
    run.refresh_from_db()
    assert bytes(run.file) == b""
    assert not MemberImportChange.objects.filter(run=run).exists()
    assert not MemberImportMissing.objects.filter(run=run).exists()
    assert run.state == MemberImport.State.FAILED
    page = officer_client.get(run_url(run)).content.decode()
    assert "the uploaded file was deleted a day after its upload" in page
    assert "Confirm and import" not in page
    assert import_runs.member_imports_expire(now=later) == 0


def test_a_run_stuck_in_the_worker_for_a_day_is_marked_failed(run):
    MemberImport.objects.filter(pk=run.pk).update(state="applying")
    import_runs.member_imports_expire(now=timezone.now() + dt.timedelta(days=2))
    run.refresh_from_db()
    assert run.state == MemberImport.State.FAILED

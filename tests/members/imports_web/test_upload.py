"""The upload page: a recognised file goes straight to its preview, an unknown column to the
mapping step, and the size cap, empty or unreadable files, access and CSRF are enforced."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from members.models import Member, MemberImport
from tests.factories import OfficerFactory
from tests.members.imports_web.conftest import EXPORT_ROWS, export_bytes, latest_run, run_url


def test_the_upload_page_offers_the_form_with_its_size_limit(officer_client, constituency):
    page = officer_client.get(reverse("members:import", args=[constituency.pk])).content.decode()
    assert "Upload and preview" in page
    assert "At most 20 MB." in page
    assert 'enctype="multipart/form-data"' in page
    assert "csrfmiddlewaretoken" in page


def test_a_real_export_goes_straight_to_its_preview_and_nothing_is_written(
    officer_client, constituency, existing, upload
):
    response = upload(officer_client, constituency, export_bytes())
    run = latest_run()
    assert response.status_code == 302
    assert response["Location"] == run_url(run)
    assert run.state == MemberImport.State.PREVIEWED
    assert run.summary["created"] == 2
    assert run.summary["updated"] == 1
    assert run.summary["unchanged"] == 1
    assert not Member.objects.filter(membership_number="L0003").exists()
    assert Member.objects.get(membership_number="L0002").email == "bob@example.org"


def test_a_file_with_an_unknown_column_goes_to_the_mapping_step(officer_client, constituency, wards, upload):
    content = export_bytes(header="Membership Number,First Name,Surname (legal),Ward,Joined,Email,Status")
    response = upload(officer_client, constituency, content)
    run = latest_run()
    assert response["Location"] == run_url(run, "import_columns")
    assert run.state == MemberImport.State.UPLOADED


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(officer_client, constituency, settings, upload):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    big = export_bytes(rows=EXPORT_ROWS * 20_000)
    assert len(big) > 1024 * 1024
    response = upload(officer_client, constituency, big)
    assert response.status_code == 200
    assert "The file is larger than 1 MB, the most this site takes." in response.content.decode()
    assert not MemberImport.objects.exists()


def test_a_file_just_under_the_limit_is_taken(officer_client, constituency, wards, settings, upload):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    content = export_bytes()
    content += b" " * (1024 * 1024 - len(content))
    response = upload(officer_client, constituency, content)
    assert response.status_code == 302
    assert latest_run().file_size == 1024 * 1024


def test_no_file_says_which_file_to_choose(officer_client, constituency):
    response = officer_client.post(reverse("members:import", args=[constituency.pk]), {"kind": "members"})
    assert response.status_code == 200
    assert "Choose the CSV file to import." in response.content.decode()


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02binary", b"\xff\xfe\x00\x00", b"membership_number,first_name\x00,x\n1,2,3\n"],
)
def test_an_empty_or_unreadable_file_is_refused_on_the_upload_page(officer_client, constituency, upload, content):
    response = upload(officer_client, constituency, content)
    assert response.status_code == 200
    assert "export.csv cannot be imported" in response.content.decode()
    assert not MemberImport.objects.exists()


def test_an_empty_file_is_refused_on_the_upload_page(officer_client, constituency, upload):
    response = upload(officer_client, constituency, b"")
    assert "The submitted file is empty." in response.content.decode()
    assert not MemberImport.objects.exists()


def test_an_unknown_kind_is_a_form_error_not_a_crash(officer_client, constituency, upload):
    response = upload(officer_client, constituency, export_bytes(), kind="ballots")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_remembered_mapping_is_used_for_the_next_upload(officer_client, constituency, wards, upload, queued):
    header = "Membership Number,First Name,Surname (legal),Ward,Joined,Email,Status"
    upload(officer_client, constituency, export_bytes(header=header))
    first = latest_run()
    columns = {
        f"column_{n}": field
        for n, field in enumerate(
            ["membership_number", "first_name", "last_name", "ward", "joined_on", "email", "status"]
        )
    }
    queued(officer_client, run_url(first, "import_columns"), columns)

    response = upload(officer_client, constituency, export_bytes(header=header))
    second = latest_run()
    assert response["Location"] == run_url(second)
    assert second.state == MemberImport.State.PREVIEWED
    assert second.column_map["Surname (legal)"] == "last_name"


def test_an_officer_of_another_constituency_is_refused(client, constituency, other_officer):
    client.force_login(other_officer)
    response = client.get(reverse("members:import", args=[constituency.pk]))
    assert response.status_code == 403
    assert "not of Canterbury" in response.content.decode()


def test_a_visitor_is_sent_to_log_in(client, constituency):
    response = client.get(reverse("members:import", args=[constituency.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_upload_needs_the_csrf_token(constituency, officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    url = reverse("members:import", args=[constituency.pk])
    response = client.post(url, {"kind": "members", "file": SimpleUploadedFile("a.csv", export_bytes())})
    assert response.status_code == 403
    assert not MemberImport.objects.exists()


def test_the_upload_with_its_csrf_token_is_taken(constituency, officer, wards):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    url = reverse("members:import", args=[constituency.pk])
    client.get(url)
    token = client.cookies["csrftoken"].value
    response = client.post(
        url, {"csrfmiddlewaretoken": token, "kind": "members", "file": SimpleUploadedFile("a.csv", export_bytes())}
    )
    assert response.status_code == 302
    assert MemberImport.objects.count() == 1


def test_a_non_officer_is_refused(client, constituency):
    client.force_login(OfficerFactory(username="plain", constituencies=[]))
    response = client.get(reverse("members:import", args=[constituency.pk]))
    assert response.status_code == 403

"""The mapping step: each column a select of fields or Ignore, prefilled; required fields checked;
the choice remembered for the constituency; then the preview."""

from members.models import ImportMapping, MemberImport
from tests.members.imports_web.conftest import export_bytes, latest_run, run_url

HEADER = "Membership Number,First Name,Surname (legal),Ward,Joined,Email,Mobile,Status"
ROWS = [
    "L0001,Ann,Archer,Barton,01/03/2015,ann@example.org,07700 900001,Current",
    "L0003,Cat,Cole,Westgate,03/05/2017,,07700 900003,Current",
]
FIELDS = ["membership_number", "first_name", "", "ward", "joined_on", "email", "", "status"]


def uploaded(client, constituency, upload):
    upload(client, constituency, export_bytes(header=HEADER, rows=ROWS))
    return latest_run()


def columns(fields):
    return {f"column_{n}": field for n, field in enumerate(fields)}


def test_the_mapping_page_names_the_unknown_columns_and_prefills_the_known_ones(
    officer_client, constituency, wards, upload
):
    run = uploaded(officer_client, constituency, upload)
    page = officer_client.get(run_url(run, "import_columns")).content.decode()
    assert "Some column headings were not recognised: “Surname (legal)”, “Mobile”." in page
    assert "Every row needs Surname, and no column is set to it yet." in page
    assert '<label for="id_column_2">Surname (legal)</label>' in page
    assert '<option value="membership_number" selected>Membership number</option>' in page
    assert '<option value="" selected>Ignore this column</option>' in page
    assert "Not recognised: choose the field it holds, or ignore it." in page


def test_mapping_the_unknown_column_starts_the_preview_and_is_remembered(
    officer_client, constituency, wards, upload, queued
):
    run = uploaded(officer_client, constituency, upload)
    response = queued(officer_client, run_url(run, "import_columns"), columns([*FIELDS[:2], "last_name", *FIELDS[3:]]))
    assert response["Location"] == run_url(run)
    run.refresh_from_db()
    assert run.state == MemberImport.State.PREVIEWED
    assert run.summary["created"] == 2
    assert run.summary["ignored_columns"] == ["Mobile"]
    remembered = ImportMapping.objects.get(constituency=constituency, kind="members")
    assert remembered.column_map["Surname (legal)"] == "last_name"
    assert remembered.column_map["Mobile"] == ""


def test_leaving_a_required_field_unmapped_says_so_and_previews_nothing(
    officer_client, constituency, wards, upload, queued
):
    run = uploaded(officer_client, constituency, upload)
    response = queued(officer_client, run_url(run, "import_columns"), columns(FIELDS))
    assert response.status_code == 200
    assert "No column is set to Surname, which every row needs." in response.content.decode()
    run.refresh_from_db()
    assert run.state == MemberImport.State.UPLOADED


def test_two_columns_set_to_one_field_is_an_error_on_the_second(officer_client, constituency, wards, upload, queued):
    run = uploaded(officer_client, constituency, upload)
    chosen = [*FIELDS[:2], "first_name", *FIELDS[3:]]
    response = queued(officer_client, run_url(run, "import_columns"), columns(chosen))
    assert response.status_code == 200
    assert "“First Name” is set to First name already" in response.content.decode()


def test_a_field_that_does_not_exist_is_a_form_error(officer_client, constituency, wards, upload, queued):
    run = uploaded(officer_client, constituency, upload)
    response = queued(officer_client, run_url(run, "import_columns"), columns(["password", *FIELDS[1:]]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_previewed_or_applied_run_sends_the_mapping_page_back_to_the_run(
    officer_client, constituency, existing, upload, queued
):
    upload(officer_client, constituency, export_bytes())
    run = latest_run()
    queued(officer_client, run_url(run, "import_confirm"))
    response = officer_client.get(run_url(run, "import_columns"))
    assert response["Location"] == run_url(run)


def test_another_constituencys_officer_cannot_open_the_mapping(
    client, constituency, wards, upload, other_officer, officer_client
):
    run = uploaded(officer_client, constituency, upload)
    client.force_login(other_officer)
    assert client.get(run_url(run, "import_columns")).status_code == 403
    assert client.post(run_url(run, "import_columns"), columns(FIELDS)).status_code == 403

"""An officer in a real browser imports a file shaped like a real party export (a byte-order
mark, CRLF, DD/MM/YYYY, "Current" and "In Arrears", a column it does not recognise): maps the
column, previews, reads the changes and the members missing from the file, confirms, and sees
the counts. axe-core finds no serious or critical problem on any step."""

import datetime as dt

import pytest

from members.models import Member, MemberImport
from tests.e2e.conftest import assert_no_serious_axe_violations, log_in
from tests.factories import MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EXPORT = (
    "\ufeffMembership Number,First Name,Surname (legal),Ward Name,Date Joined,Email Address,Membership Status\r\n"
    "L0001,Ann,Archer,Barton,01/03/2015,ann@example.org,Current\r\n"
    "L0002,Bob,Baker,Northgate,02/04/2016,bob.new@example.org,In Arrears\r\n"
    "L0003,Cat,Cole,Westgate,03/05/2017,,Current\r\n"
)


@pytest.fixture
def recorded(wards):
    barton, northgate, westgate = wards
    MemberFactory(
        membership_number="L0001",
        first_name="Ann",
        last_name="Archer",
        ward=barton,
        joined_on=dt.date(2015, 3, 1),
        email="ann@example.org",
    )
    MemberFactory(
        membership_number="L0002",
        first_name="Bob",
        last_name="Baker",
        ward=northgate,
        joined_on=dt.date(2016, 4, 2),
        email="bob@example.org",
    )
    MemberFactory(membership_number="L0099", first_name="Zed", last_name="Gone", ward=westgate)


def test_officer_maps_a_column_previews_and_confirms_an_import(
    page, live_server, officer, officer_password, constituency, recorded, tmp_path
):
    export = tmp_path / "party-export.csv"
    export.write_bytes(EXPORT.encode("utf-8"))
    log_in(page, live_server, officer.username, officer_password)

    page.goto(f"{live_server.url}/constituencies/{constituency.pk}/")
    page.get_by_role("link", name="Import from a CSV file").click()
    assert page.get_by_role("heading", name="Import members or affiliates").is_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_label("CSV file").set_input_files(str(export))
    page.get_by_role("button", name="Upload and preview").click()

    assert page.get_by_role("heading", name="Say what each column holds").is_visible()
    assert page.get_by_text("“Surname (legal)”").is_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Surname (legal)").select_option(label="Surname")
    page.get_by_role("button", name="Preview the import").click()

    if page.get_by_role("link", name="Refresh now").count():  # the worker had not finished yet
        page.get_by_role("link", name="Refresh now").click()
    assert page.get_by_role("heading", name="Preview of party-export.csv").is_visible()
    assert page.get_by_text("1 would be created, 1 updated, 1 unchanged").is_visible()
    changes = page.get_by_role("table", name="Field by field, in the order of the file")
    assert changes.get_by_role("cell", name="bob.new@example.org").is_visible()
    missing = page.get_by_role("table", name="Members recorded but not in the file")
    assert missing.get_by_role("cell", name="Zed Gone").is_visible()
    assert Member.objects.filter(membership_number="L0003").count() == 0
    assert_no_serious_axe_violations(page)

    page.get_by_label("Mark them lapsed").check()
    page.get_by_role("button", name="Preview again with this choice").click()
    assert page.get_by_text("mark them lapsed", exact=True).is_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_role("button", name="Confirm and import").click()
    assert page.get_by_role("heading", name="Imported party-export.csv").is_visible()
    assert (
        page.get_by_role("status").filter(has_text="Imported 3 members: 1 created, 1 updated, 1 unchanged").is_visible()
    )
    assert_no_serious_axe_violations(page)

    assert MemberImport.objects.get().state == MemberImport.State.APPLIED
    assert Member.objects.get(membership_number="L0002").status == "arrears"
    assert Member.objects.get(membership_number="L0099").status == "lapsed"
    assert Member.objects.get(membership_number="L0001").last_name == "Archer"

"""Bad input of any shape on the import pages: a form message or the site's 400 page, never a 500."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.models import MemberImport
from tests.members.imports_web.conftest import export_bytes, latest_run, run_url


@pytest.fixture
def run(officer_client, constituency, existing, upload):
    upload(officer_client, constituency, export_bytes(rows=["G0001,Gil,Gold,Barton,01/01/2015,,Gold"]))
    return latest_run()


@pytest.mark.parametrize(
    "data",
    [{"value_status_0": "emperor"}, {"value_status_0": "\x00"}, {"value_other_0": "active", "value_status_0": "x"}],
)
def test_a_meaning_not_offered_is_the_400_page(officer_client, run, data):
    response = officer_client.post(run_url(run, "import_values"), data)
    assert response.status_code == 400


@pytest.mark.parametrize("data", [{}, {"missing": "delete"}, {"missing": "lapse\x00"}])
def test_a_missing_choice_not_offered_is_the_400_page(officer_client, run, data):
    response = officer_client.post(run_url(run, "import_missing"), data)
    assert response.status_code == 400
    run.refresh_from_db()
    assert run.missing == "leave"


def test_meanings_for_a_run_with_no_unknown_words_are_the_400_page(officer_client, constituency, existing, upload):
    upload(officer_client, constituency, export_bytes())
    response = officer_client.post(run_url(latest_run(), "import_values"), {"value_status_0": "active"})
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["import_values", "import_missing", "import_confirm", "import_preview"])
def test_the_buttons_take_posts_only(officer_client, run, name):
    assert officer_client.get(run_url(run, name)).status_code == 405


def test_an_unknown_run_is_not_found(officer_client, constituency):
    assert officer_client.get(reverse("members:import_run", args=[constituency.pk, 999])).status_code == 404
    assert officer_client.post(reverse("members:import_confirm", args=[constituency.pk, 999])).status_code == 404


@pytest.mark.parametrize(
    "content",
    [
        b"Membership Number,First Name\r\n" + b"x," * 5000 + b"\r\n",
        b'"unclosed,quote\r\n1,2\r\n',
        b"Membership Number,First Name,Surname,Ward,Joined\r\nL1,Ann,A\x07,Barton,1/1/15\r\n",
        b"\xef\xbb\xbf\r\n\r\n\r\n",
        "Organisation,Type\r\n\u202eevil,x\r\n".encode(),
    ],
)
def test_odd_files_never_give_a_500(officer_client, constituency, wards, upload, content):
    response = upload(officer_client, constituency, content)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert officer_client.get(response["Location"]).status_code in (200, 302)


def test_the_meaning_form_posted_again_after_the_preview_moved_on_says_so(officer_client, run, queued):
    MemberImport.objects.filter(pk=run.pk).update(state="applying")
    response = officer_client.post(run_url(run, "import_missing"), {"missing": "lapse"}, follow=True)
    assert response.status_code == 200
    assert "cannot be changed now" in response.content.decode()


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(min_size=1, max_size=400), header=st.sampled_from([b"", b"Membership Number,Surname\r\n"]))
def test_any_bytes_uploaded_give_a_page_never_a_500(officer_client, constituency, upload, content, header):
    response = upload(officer_client, constituency, header + content)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert officer_client.get(response["Location"]).status_code in (200, 302)

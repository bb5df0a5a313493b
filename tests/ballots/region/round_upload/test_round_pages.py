"""The round upload's pages: who may open them, the preview, the confirmation and its signed token."""

import re

import pytest
from django.core import signing
from django.urls import reverse

from ballots.models import Round, TriggerBallot
from ballots.region.round_views import SALT
from members.models import Constituency, Ward
from tests.ballots.region.round_upload.conftest import csv_text, filled, row, upload
from tests.factories import ConstituencyFactory, OfficerFactory, RegionalOfficerFactory, RegionFactory


def _token(response) -> str:
    return re.search(rb'name="upload" value="([^"]+)"', response.content).group(1).decode()


def _confirm(client, region, token):
    return client.post(reverse("ballots:round_upload_confirm", args=[region.pk]), {"upload": token})


def test_nobody_signed_in_is_sent_to_log_in(client, kent):
    response = client.get(reverse("ballots:round_upload", args=[kent[0].pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_constituency_officer_is_refused_in_plain_words(client, kent):
    client.force_login(OfficerFactory(constituencies=[kent[1]]))
    response = client.get(reverse("ballots:round_upload", args=[kent[0].pk]))
    assert response.status_code == 403 and b"for regional officers" in response.content


def test_a_regional_officer_of_another_region_is_refused(client, kent):
    client.force_login(RegionalOfficerFactory(regions=[RegionFactory(name="Essex")]))
    response = client.get(reverse("ballots:round_upload", args=[kent[0].pk]))
    assert response.status_code == 403 and b"not of Kent" in response.content


def test_the_regions_own_officer_sees_a_labelled_form(kent_client, kent):
    response = kent_client.get(reverse("ballots:round_upload", args=[kent[0].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_name"' in html and 'for="id_file"' in html and "csrfmiddlewaretoken" in html


def test_a_good_file_is_previewed_with_every_row_in_uk_time(kent_client, kent):
    response = upload(kent_client, kent[0], filled("good_bom_crlf.csv"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ashford, North" in html and "(new)" in html and "(existing)" in html
    assert "recorded as Alan Brown" in html
    assert "Kept: Bearsted, Harrietsham" in html
    assert re.search(r"09:00 (BST|GMT)", html) and "Confirm and create the round" in html
    assert not Round.objects.exists()


def test_a_windows_1252_file_is_read(kent_client, kent):
    response = upload(kent_client, kent[0], filled("windows_1252.csv", "cp1252"))
    assert "Penrhôs and Llyn" in response.content.decode() and "Siân Jones" in response.content.decode()


def test_confirming_creates_the_round_its_constituencies_wards_and_draft_ballots(kent_client, kent):
    region, old, _officer = kent
    wards_before = Ward.objects.count()
    response = _confirm(kent_client, region, _token(upload(kent_client, region, filled("good_bom_crlf.csv"))))
    assert response.status_code == 302
    round_ = Round.objects.get(region=region, name="Spring round")
    ballots = TriggerBallot.objects.filter(round=round_)
    assert ballots.count() == 3 and all(b.status == TriggerBallot.Status.DRAFT for b in ballots)
    assert set(Constituency.objects.filter(region=region).values_list("name", flat=True)) == {
        "Kent Old",
        "Ashford, North",
        "Kent Wide",
    }
    assert Ward.objects.count() == wards_before + 5
    assert ballots.get(constituency=old).sitting_mp == "Brown, Alan"


def test_a_file_with_one_bad_row_creates_nothing_and_names_the_row(kent_client, kent):
    response = upload(kent_client, kent[0], filled("one_bad_row.csv"))
    html = response.content.decode()
    assert "This file cannot be used yet" in html and "not a time" in html
    assert re.search(r'<td class="num">4</td><td>opens_at</td>', html)
    assert 'name="upload"' not in html
    assert not Round.objects.exists() and not Constituency.objects.filter(name="Good One").exists()


def test_a_file_that_went_bad_since_the_preview_creates_nothing(kent_client, kent):
    region = kent[0]
    token = _token(upload(kent_client, region, csv_text(row("Kent New"))))
    ConstituencyFactory(name="Kent New", region=RegionFactory(name="Sussex"))
    response = _confirm(kent_client, region, token)
    assert response.status_code == 200 and b"Nothing was created" in response.content
    assert not Round.objects.exists()


def test_an_altered_token_is_refused_with_400(kent_client, kent):
    token = _token(upload(kent_client, kent[0], csv_text(row("Kent New"))))
    response = _confirm(kent_client, kent[0], token[:-3] + "abc")
    assert response.status_code == 400 and not Round.objects.exists()


def test_an_expired_token_sends_the_officer_back_with_a_message(kent_client, kent, monkeypatch):
    token = _token(upload(kent_client, kent[0], csv_text(row("Kent New"))))
    monkeypatch.setattr("ballots.region.round_views.PREVIEW_MAX_AGE", -1)
    response = _confirm(kent_client, kent[0], token)
    assert response.status_code == 302 and response["Location"] == reverse("ballots:round_upload", args=[kent[0].pk])
    assert not Round.objects.exists()


def test_another_officers_token_is_refused_with_400(client, kent):
    region = kent[0]
    payload = {"region": region.pk, "user": kent[2].pk + 999, "name": "R", "text": csv_text(row("Kent New"))}
    client.force_login(kent[2])
    response = _confirm(client, region, signing.dumps(payload, salt=SALT, compress=True))
    assert response.status_code == 400 and not Round.objects.exists()


def test_a_token_without_the_file_is_refused_with_400(kent_client, kent):
    assert _confirm(kent_client, kent[0], "").status_code == 400


def test_a_round_name_already_used_is_refused_on_the_form(kent_client, kent):
    Round.objects.create(region=kent[0], name="Spring round")
    response = upload(kent_client, kent[0], csv_text(row("Kent New")))
    assert "already has a round called" in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_preview_runs_the_same_number_of_queries_for_3_or_30_rows(
    kent_client, kent, rows, django_assert_num_queries
):
    text = csv_text(*(row(f"Place {n}") for n in range(rows - 1)), row("Kent Old", wards="same as before"))
    with django_assert_num_queries(QUERIES):
        response = upload(kent_client, kent[0], text)
    assert response.status_code == 200 and response.content.count(b"(new)") == rows - 1


QUERIES = 10  # session, user, groups, region, round name, and the three of round_file_check; constant

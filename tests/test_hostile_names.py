"""Names with markup show as text everywhere, and names that look like formulas are
neutralised in every CSV the tool writes."""

import csv
import io

import pytest

from members.models import Member
from tests.factories import ConstituencyFactory, MemberFactory, OfficerFactory, make_ballot_with_votes

MARKUP = '<script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def hostile_ballot(db):
    constituency = ConstituencyFactory(name=f"Canterbury {MARKUP}", sitting_mp=f"{FORMULA} MP")
    ballot = make_ballot_with_votes(
        constituency=constituency,
        sitting_mp=f"{FORMULA} MP",
        wards=((MARKUP, 30, 20, 60), (FORMULA, 12, 25, 40)),
        affiliates=((f"{FORMULA} union", "trade_union", "open", 100), (MARKUP, "other", "reselect", 50)),
    )
    return ballot


def csv_cells(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_no_live_markup(html: str):
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html or "&lt;script&gt;alert(&#34;x&#34;)" in html


def test_results_page_json_and_chart_show_markup_as_text(client, hostile_ballot):
    page = client.get(f"/ballots/{hostile_ballot.pk}/results").content.decode()
    assert_no_live_markup(page)
    data = client.get(f"/ballots/{hostile_ballot.pk}/results.json").json()
    assert MARKUP in {branch["name"] for branch in data["branches"]}


def test_results_csv_neutralises_formulas(client, hostile_ballot):
    cells = csv_cells(client.get(f"/ballots/{hostile_ballot.pk}/results.csv"))
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))]
    assert "'" + FORMULA in cells


def test_officer_pages_and_member_export_are_safe(client, hostile_ballot):
    constituency = hostile_ballot.constituency
    MemberFactory(ward=constituency.wards.first(), first_name=FORMULA, last_name=MARKUP)
    client.force_login(OfficerFactory(constituencies=[constituency]))
    for url in (
        f"/constituencies/{constituency.pk}/",
        f"/constituencies/{constituency.pk}/members/",
        f"/constituencies/{constituency.pk}/affiliates/",
        f"/ballots/{hostile_ballot.pk}/manage/",
        f"/ballots/{hostile_ballot.pk}/results",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_live_markup(response.content.decode())
    cells = csv_cells(client.get(f"/constituencies/{constituency.pk}/members/?_export=csv"))
    assert "'" + FORMULA in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))]
    assert Member.objects.filter(first_name=FORMULA).exists()  # stored as given, only the export is neutralised

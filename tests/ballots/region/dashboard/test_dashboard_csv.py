"""The dashboard's table as CSV: the same rows, filters and sort, and no outcome before declaration."""

import csv
import io

from django.urls import reverse

from ballots.region.dashboard import CSV_HEADER


def _csv(client, region, **query):
    response = client.get(reverse("ballots:region_dashboard_csv", args=[region.pk]), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_a_header_and_one_row_per_ballot(regional_client, kent):
    region, _round, _ballots = kent
    rows = _csv(regional_client, region)
    assert tuple(rows[0]) == CSV_HEADER
    assert [row[0] for row in rows[1:]] == ["Kent 00", "Kent 01", "Kent 02", "Kent 03"]


def test_the_csv_rows_carry_the_figures_and_the_outcome_only_once_declared(regional_client, kent):
    region, _round, _ballots = kent
    header, *rows = _csv(regional_client, region)
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    draft, open_, declared, closed = (by_name[f"Kent 0{i}"] for i in range(4))
    assert (draft["Members on the roll"], draft["Roll"], draft["Codes delivered"], draft["Voted"]) == (
        "3",
        "if it opened now",
        "",
        "",
    )
    assert (open_["Members on the roll"], open_["Codes delivered"], open_["Voted"], open_["Turnout"]) == (
        "100",
        "70",
        "85",
        "85.0%",
    )
    assert (open_["Affiliates recorded"], open_["Affiliates eligible"]) == ("1", "2")
    assert open_["Voting closes (UK time)"].endswith((" GMT", " BST"))
    assert open_["Outcome"] == closed["Outcome"] == draft["Outcome"] == ""
    assert open_["Open share"] == closed["Open share"] == ""
    assert declared["Outcome"] in ("Reselected", "Open selection") and declared["Open share"].endswith("%")


def test_the_csv_follows_the_filter_and_the_sort(regional_client, kent):
    region, _round, _ballots = kent
    rows = _csv(regional_client, region, status="open")
    assert [row[0] for row in rows[1:]] == ["Kent 01"]
    rows = _csv(regional_client, region, sort="-constituency")
    assert [row[0] for row in rows[1:]] == ["Kent 03", "Kent 02", "Kent 01", "Kent 00"]


def test_the_page_links_to_the_csv_with_its_filters(regional_client, kent):
    region, _round, _ballots = kent
    url = reverse("ballots:region_dashboard", args=[region.pk])
    html = regional_client.get(url, {"status": "open", "page": "1"}).content.decode()
    assert reverse("ballots:region_dashboard_csv", args=[region.pk]) + "?status=open" in html

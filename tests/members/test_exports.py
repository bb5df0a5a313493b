"""The members and affiliates CSV exports: today's bytes pinned on a small data set (columns,
header words, the list's filters and sort, order, spreadsheet safety, file name), and a constant
number of queries whatever the number of rows; and the streamed CSV's pieces and cells.

The data avoids ties and leading punctuation in the sorted fields, so the order is the same under
SQLite's and PostgreSQL's collations.
"""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.csv_export import LINES_PER_PIECE, csv_rows, spreadsheet_safe
from members.models import Affiliate, Member
from tests.factories import AffiliateFactory, ConstituencyFactory, MemberFactory, WardFactory

AS_OF = "2026-01-01"
MEMBERS_HEADER = "Number,Name,Ward,Joined,Status,Eligible"
AFFILIATES_HEADER = "Organisation,Kind,Affiliated,Affiliated members,Delegate"


@pytest.fixture
def members(constituency, wards):
    barton, northgate, westgate = wards
    rows = [
        ("L1001", "Ann", "Archer", barton, dt.date(2015, 1, 1), "active"),
        ("L1002", "Bob", "Baker", northgate, dt.date(2025, 12, 1), "active"),
        ("L1003", "Cat", "Cole", westgate, dt.date(2016, 2, 29), "arrears"),
        ("L1004", "Dan", "Dale", barton, dt.date(2014, 7, 1), "lapsed"),
        ("L1005", '=HYPERLINK("http://x")', "Evans", northgate, dt.date(2020, 3, 3), "active"),
        ("L1006", "Zoë", "Brontë, the elder", westgate, dt.date(2025, 7, 1), "arrears"),
        ("L1007", "-5", "Fisher", barton, dt.date(2019, 9, 9), "active"),
        ("L1008", "@Dot", "Green", northgate, dt.date(2025, 6, 30), "lapsed"),
        ("L1009", "+Plus", "Archers", westgate, dt.date(2018, 1, 1), "active"),
        # No last name: the list's Name cell is empty, and so is the export's.
        ("L1010", "-12.5", "", barton, dt.date(2017, 5, 5), "active"),
    ]
    for number, first, last, ward, joined, status in rows:
        MemberFactory(
            membership_number=number, first_name=first, last_name=last, ward=ward, joined_on=joined, status=status
        )
    MemberFactory(ward=WardFactory(constituency=ConstituencyFactory(name="Dover")))


@pytest.fixture
def affiliates(constituency):
    AffiliateFactory(constituency=constituency, name="Unite Canterbury branch", delegate_name="Pat Jones")
    AffiliateFactory(
        constituency=constituency,
        name="Fabian Society",
        kind="socialist_society",
        delegate_name="@SUM(A1)",
        affiliated_on=dt.date(2025, 11, 30),
        affiliated_members=None,
    )
    AffiliateFactory(
        constituency=constituency,
        name="Co-op Party",
        kind="cooperative",
        delegate_name="",
        affiliated_on=dt.date(2016, 4, 1),
        affiliated_members=0,
    )
    AffiliateFactory(name="Elsewhere union")


def export(client, url_name, constituency, params):
    response = client.get(reverse(url_name, args=[constituency.pk]), {**params, "_export": "csv"})
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def csv_bytes(header, lines):
    return ("\ufeff" + "".join(f"{line}\r\n" for line in [header, *lines])).encode("utf-8")


MEMBER_EXPORTS = [
    (
        {},
        [
            "L1010,,Barton,2017-05-05,Active,yes",
            "L1001,Ann Archer,Barton,2015-01-01,Active,yes",
            "L1009,'+Plus Archers,Westgate,2018-01-01,Active,yes",
            "L1002,Bob Baker,Northgate,2025-12-01,Active,no: joined too recently",
            'L1006,"Zoë Brontë, the elder",Westgate,2025-07-01,In arrears,no: in arrears',
            "L1003,Cat Cole,Westgate,2016-02-29,In arrears,no: in arrears",
            "L1004,Dan Dale,Barton,2014-07-01,Lapsed,no: lapsed",
            'L1005,"\'=HYPERLINK(""http://x"") Evans",Northgate,2020-03-03,Active,yes',
            "L1007,'-5 Fisher,Barton,2019-09-09,Active,yes",
            "L1008,'@Dot Green,Northgate,2025-06-30,Lapsed,no: lapsed",
        ],
    ),
    (
        {"sort": "ward"},
        [
            "L1010,,Barton,2017-05-05,Active,yes",
            "L1001,Ann Archer,Barton,2015-01-01,Active,yes",
            "L1004,Dan Dale,Barton,2014-07-01,Lapsed,no: lapsed",
            "L1007,'-5 Fisher,Barton,2019-09-09,Active,yes",
            "L1002,Bob Baker,Northgate,2025-12-01,Active,no: joined too recently",
            'L1005,"\'=HYPERLINK(""http://x"") Evans",Northgate,2020-03-03,Active,yes',
            "L1008,'@Dot Green,Northgate,2025-06-30,Lapsed,no: lapsed",
            "L1009,'+Plus Archers,Westgate,2018-01-01,Active,yes",
            'L1006,"Zoë Brontë, the elder",Westgate,2025-07-01,In arrears,no: in arrears',
            "L1003,Cat Cole,Westgate,2016-02-29,In arrears,no: in arrears",
        ],
    ),
    (
        {"sort": "-name"},
        [
            "L1008,'@Dot Green,Northgate,2025-06-30,Lapsed,no: lapsed",
            "L1007,'-5 Fisher,Barton,2019-09-09,Active,yes",
            'L1005,"\'=HYPERLINK(""http://x"") Evans",Northgate,2020-03-03,Active,yes',
            "L1004,Dan Dale,Barton,2014-07-01,Lapsed,no: lapsed",
            "L1003,Cat Cole,Westgate,2016-02-29,In arrears,no: in arrears",
            'L1006,"Zoë Brontë, the elder",Westgate,2025-07-01,In arrears,no: in arrears',
            "L1002,Bob Baker,Northgate,2025-12-01,Active,no: joined too recently",
            "L1009,'+Plus Archers,Westgate,2018-01-01,Active,yes",
            "L1001,Ann Archer,Barton,2015-01-01,Active,yes",
            "L1010,,Barton,2017-05-05,Active,yes",
        ],
    ),
    (
        {"sort": "eligible"},
        [
            "L1010,,Barton,2017-05-05,Active,yes",
            "L1001,Ann Archer,Barton,2015-01-01,Active,yes",
            "L1009,'+Plus Archers,Westgate,2018-01-01,Active,yes",
            'L1005,"\'=HYPERLINK(""http://x"") Evans",Northgate,2020-03-03,Active,yes',
            "L1007,'-5 Fisher,Barton,2019-09-09,Active,yes",
            'L1006,"Zoë Brontë, the elder",Westgate,2025-07-01,In arrears,no: in arrears',
            "L1003,Cat Cole,Westgate,2016-02-29,In arrears,no: in arrears",
            "L1002,Bob Baker,Northgate,2025-12-01,Active,no: joined too recently",
            "L1004,Dan Dale,Barton,2014-07-01,Lapsed,no: lapsed",
            "L1008,'@Dot Green,Northgate,2025-06-30,Lapsed,no: lapsed",
        ],
    ),
    (
        {"sort": "-joined_on"},
        [
            "L1002,Bob Baker,Northgate,2025-12-01,Active,no: joined too recently",
            'L1006,"Zoë Brontë, the elder",Westgate,2025-07-01,In arrears,no: in arrears',
            "L1008,'@Dot Green,Northgate,2025-06-30,Lapsed,no: lapsed",
            'L1005,"\'=HYPERLINK(""http://x"") Evans",Northgate,2020-03-03,Active,yes',
            "L1007,'-5 Fisher,Barton,2019-09-09,Active,yes",
            "L1009,'+Plus Archers,Westgate,2018-01-01,Active,yes",
            "L1010,,Barton,2017-05-05,Active,yes",
            "L1003,Cat Cole,Westgate,2016-02-29,In arrears,no: in arrears",
            "L1001,Ann Archer,Barton,2015-01-01,Active,yes",
            "L1004,Dan Dale,Barton,2014-07-01,Lapsed,no: lapsed",
        ],
    ),
    (
        {"status": "active"},
        [
            "L1010,,Barton,2017-05-05,Active,yes",
            "L1001,Ann Archer,Barton,2015-01-01,Active,yes",
            "L1009,'+Plus Archers,Westgate,2018-01-01,Active,yes",
            "L1002,Bob Baker,Northgate,2025-12-01,Active,no: joined too recently",
            'L1005,"\'=HYPERLINK(""http://x"") Evans",Northgate,2020-03-03,Active,yes',
            "L1007,'-5 Fisher,Barton,2019-09-09,Active,yes",
        ],
    ),
    (
        {"eligibility": "ineligible", "sort": "joined_on"},
        [
            "L1004,Dan Dale,Barton,2014-07-01,Lapsed,no: lapsed",
            "L1003,Cat Cole,Westgate,2016-02-29,In arrears,no: in arrears",
            "L1008,'@Dot Green,Northgate,2025-06-30,Lapsed,no: lapsed",
            'L1006,"Zoë Brontë, the elder",Westgate,2025-07-01,In arrears,no: in arrears',
            "L1002,Bob Baker,Northgate,2025-12-01,Active,no: joined too recently",
        ],
    ),
    (
        {"q": "archer"},
        [
            "L1001,Ann Archer,Barton,2015-01-01,Active,yes",
            "L1009,'+Plus Archers,Westgate,2018-01-01,Active,yes",
        ],
    ),
    (
        {"eligibility": "eligible"},
        [
            "L1010,,Barton,2017-05-05,Active,yes",
            "L1001,Ann Archer,Barton,2015-01-01,Active,yes",
            "L1009,'+Plus Archers,Westgate,2018-01-01,Active,yes",
            'L1005,"\'=HYPERLINK(""http://x"") Evans",Northgate,2020-03-03,Active,yes',
            "L1007,'-5 Fisher,Barton,2019-09-09,Active,yes",
        ],
    ),
]

AFFILIATE_EXPORTS = [
    (
        {},
        [
            "Co-op Party,Co-operative Party,2016-04-01,0,",
            "Fabian Society,Socialist society,2025-11-30,,'@SUM(A1)",
            "Unite Canterbury branch,Trade union,2015-01-01,100,Pat Jones",
        ],
    ),
    (
        {"sort": "-affiliated_on"},
        [
            "Fabian Society,Socialist society,2025-11-30,,'@SUM(A1)",
            "Co-op Party,Co-operative Party,2016-04-01,0,",
            "Unite Canterbury branch,Trade union,2015-01-01,100,Pat Jones",
        ],
    ),
    (
        {"sort": "kind"},
        [
            "Co-op Party,Co-operative Party,2016-04-01,0,",
            "Fabian Society,Socialist society,2025-11-30,,'@SUM(A1)",
            "Unite Canterbury branch,Trade union,2015-01-01,100,Pat Jones",
        ],
    ),
    (
        {"kind": "trade_union"},
        [
            "Unite Canterbury branch,Trade union,2015-01-01,100,Pat Jones",
        ],
    ),
    (
        {"q": "pat"},
        [
            "Unite Canterbury branch,Trade union,2015-01-01,100,Pat Jones",
        ],
    ),
    (
        {"eligible_on": "2025-12-15", "min_days": "30"},
        [
            "Co-op Party,Co-operative Party,2016-04-01,0,",
            "Unite Canterbury branch,Trade union,2015-01-01,100,Pat Jones",
        ],
    ),
]


@pytest.mark.parametrize(("params", "lines"), MEMBER_EXPORTS)
def test_the_members_export_is_byte_for_byte_what_the_filtered_sorted_list_shows(
    officer_client, constituency, members, params, lines
):
    response, body = export(officer_client, "members:member_list", constituency, {"as_of": AS_OF, **params})
    assert body == csv_bytes(MEMBERS_HEADER, lines)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == (
        f'attachment; filename="canterbury-members-{timezone.localdate():%Y-%m-%d}.csv"'
    )


@pytest.mark.parametrize(("params", "lines"), AFFILIATE_EXPORTS)
def test_the_affiliates_export_is_byte_for_byte_what_the_filtered_sorted_list_shows(
    officer_client, constituency, affiliates, params, lines
):
    response, body = export(officer_client, "members:affiliate_list", constituency, params)
    assert body == csv_bytes(AFFILIATES_HEADER, lines)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == (
        f'attachment; filename="canterbury-affiliates-{timezone.localdate():%Y-%m-%d}.csv"'
    )


def test_the_exports_are_for_officers_of_the_constituency_only(client, other_officer, constituency, members):
    url = reverse("members:member_list", args=[constituency.pk])
    assert client.get(url, {"_export": "csv"}).status_code == 302
    client.force_login(other_officer)
    assert client.get(url, {"_export": "csv"}).status_code == 403


def add_members(wards, start, count):
    Member.objects.bulk_create(
        (
            Member(
                membership_number=f"Q{n:06d}",
                first_name="Q",
                last_name=f"Q{n:06d}",
                ward=wards[n % 3],
                joined_on=dt.date(2015, 1, 1),
                status=("active", "arrears", "lapsed")[n % 3],
            )
            for n in range(start, start + count)
        ),
        batch_size=2000,
    )


def add_affiliates(constituency, start, count):
    Affiliate.objects.bulk_create(
        Affiliate(
            constituency=constituency,
            name=f"Branch {n:06d}",
            kind="trade_union",
            affiliated_on=dt.date(2015, 1, 1),
            affiliated_members=n,
        )
        for n in range(start, start + count)
    )


def queries_of_export(client, url, params, table):
    """The number of queries of one export, its body, and how many of them read `table`."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
        body = b"".join(response.streaming_content)
    reads = [query for query in captured.captured_queries if f'FROM "{table}"' in query["sql"]]
    return len(captured.captured_queries), body, len(reads)


def test_the_members_export_runs_the_same_queries_for_10_and_5000_members(
    officer_client, constituency, wards, django_assert_num_queries
):
    url = reverse("members:member_list", args=[constituency.pk])
    params = {"_export": "csv", "ward": wards[1].pk, "sort": "-ward", "eligibility": "ineligible"}
    add_members(wards, 0, 10)
    officer_client.get(url)  # warm the session
    small, body, member_reads = queries_of_export(officer_client, url, params, "members_member")
    assert body.count(b"\r\n") == 1 + 3
    assert member_reads == 1
    add_members(wards, 10, 4_990)
    with django_assert_num_queries(small):
        response = officer_client.get(url, params)
        body = b"".join(response.streaming_content)
    assert body.count(b"\r\n") == 1 + 1_667
    # The session, the user and its permissions, the constituency and the officer check, the ward
    # of the filter, and the export's one query.
    assert small <= 8


def test_the_affiliates_export_runs_the_same_queries_for_5_and_3000_organisations(
    officer_client, constituency, django_assert_num_queries
):
    url = reverse("members:affiliate_list", args=[constituency.pk])
    params = {"_export": "csv", "sort": "-affiliated_members"}
    add_affiliates(constituency, 0, 5)
    officer_client.get(url)  # warm the session
    small, body, affiliate_reads = queries_of_export(officer_client, url, params, "members_affiliate")
    assert body.count(b"\r\n") == 1 + 5
    assert affiliate_reads == 1
    add_affiliates(constituency, 5, 2_995)
    with django_assert_num_queries(small):
        response = officer_client.get(url, params)
        body = b"".join(response.streaming_content)
    assert body.count(b"\r\n") == 1 + 3_000
    assert small <= 7


@pytest.mark.parametrize("count", [0, 1, LINES_PER_PIECE, LINES_PER_PIECE + 1, 3 * LINES_PER_PIECE + 7])
def test_the_streamed_pieces_join_to_one_line_per_row_whatever_the_count(count):
    rows = [(f"=A{n}", n, None, -n, "-x", "plain") for n in range(count)]

    pieces = list(csv_rows(["h1", "@h2"], iter(rows)))

    lines = [",".join(("'=A" + str(n), str(n), "", str(-n), "'-x", "plain")) + "\r\n" for n in range(count)]
    assert "".join(pieces) == "\ufeffh1,'@h2\r\n" + "".join(lines)
    assert len(pieces) == 1 + -(-count // LINES_PER_PIECE)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1227", "'+44 1227"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-x", "'-x"),
        ("-5", "-5"),
        ("-2.5", "-2.5"),
        (-7, "-7"),
        ("", ""),
        (None, ""),
        ("Zoë", "Zoë"),
    ],
)
def test_a_cell_that_could_start_a_formula_is_made_text_and_other_cells_are_kept(cell, safe):
    assert spreadsheet_safe(cell) == safe
    line = list(csv_rows([], [[cell]]))[1]
    assert next(csv.reader(io.StringIO(line, newline=""))) == [safe]

"""The results CSV pinned byte for byte on a small declared ballot (header words, rows in order,
figures withheld on the public file but not the officers', file name), streamed."""

from django.http import StreamingHttpResponse
from django.urls import reverse

from tests.factories import OfficerFactory, make_ballot_with_votes


def results_csv(client, ballot):
    response = client.get(reverse("ballots:results_csv", args=[ballot.pk]))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return response, b"".join(response.streaming_content)


HEADER = "section,name,kind,reselect,open,votes_cast,eligible,turnout_percent,result_or_vote,weight_percent,withheld"
# Officers' CSV adds each ward's figures by channel at the end of every row.
OFFICER_HEADER = (
    HEADER + ",online_reselect,online_open,online_spoilt,paper_reselect,paper_open,paper_spoilt,"
    "meeting_reselect,meeting_open,meeting_spoilt"
)
AFFILIATE_AND_OUTCOME_LINES = [
    "affiliates,'=Alpha Society,socialist_society,,,,,,open,25.000,no",
    "affiliates,Co-op Party,cooperative,,,,,,none,0.000,no",
    "affiliates,Unite Canterbury,trade_union,,,,,,reselect,25.000,no",
    "outcome,open_selection,labour-2021,,,,,,,58.333,",
]


def csv_bytes(lines):
    return ("\ufeff" + "".join(f"{line}\r\n" for line in [HEADER, *lines])).encode("utf-8")


def small_ballot(constituency):
    return make_ballot_with_votes(
        constituency=constituency,
        wards=(("Barton", 30, 20, 60), ("Northgate", 10, 25, 40), ("Westgate", 2, 3, 9)),
        affiliates=(
            ("Unite Canterbury", "trade_union", "reselect", 120),
            ("=Alpha Society", "socialist_society", "open", 40),
            ("Co-op Party", "cooperative", None, 15),
        ),
    )


def test_the_public_results_csv_is_byte_for_byte_with_small_wards_withheld(client, constituency):
    ballot = small_ballot(constituency)

    response, body = results_csv(client, ballot)

    assert body == csv_bytes(
        [
            "members,Barton,ward branch,30,20,50,60,83.333,reselect,16.667,no",
            "members,Northgate,ward branch,10,25,35,40,87.500,open,16.667,no",
            "members,Westgate,ward branch,,,,9,,open,16.667,yes",
            "members_total,All wards,,,,90,109,82.569,,50.000,yes",
            *AFFILIATE_AND_OUTCOME_LINES,
        ]
    )
    assert response["Content-Disposition"] == f'attachment; filename="ballot-{ballot.pk}-results.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_the_officers_results_csv_is_byte_for_byte_with_every_figure(client, constituency):
    ballot = small_ballot(constituency)
    client.force_login(OfficerFactory(constituencies=[constituency]))

    response, body = results_csv(client, ballot)

    lines = [
        OFFICER_HEADER,
        "members,Barton,ward branch,30,20,50,60,83.333,reselect,16.667,no,30,20,0,0,0,0,0,0,0",
        "members,Northgate,ward branch,10,25,35,40,87.500,open,16.667,no,10,25,0,0,0,0,0,0,0",
        "members,Westgate,ward branch,2,3,5,9,55.556,open,16.667,no,2,3,0,0,0,0,0,0,0",
        "members_total,All wards,,42,48,90,109,82.569,,50.000,no,42,48,0,0,0,0,0,0,0",
        *(line + ",,,,,,,,," for line in AFFILIATE_AND_OUTCOME_LINES),
    ]
    assert body == ("\ufeff" + "".join(f"{line}\r\n" for line in lines)).encode("utf-8")
    assert response["Content-Disposition"] == f'attachment; filename="ballot-{ballot.pk}-results.csv"'

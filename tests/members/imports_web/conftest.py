"""Fixtures of the import pages' tests: a file shaped like a real party export, the existing
members it updates, and helpers that upload and post with the queued work run at once."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import MemberImport
from tests.factories import MemberFactory

EXPORT_HEADER = "Membership Number,First Name,SURNAME,Ward Name,Date Joined,Email Address,Membership Status"
EXPORT_ROWS = [
    "L0001,Ann,Archer,Barton,01/03/2015,ann@example.org,Current",
    "L0002,Bob,Baker,Northgate,02/04/2016,bob.new@example.org,In Arrears",
    "L0003,Cat,Cole,Westgate,03/05/2017,,Current",
    "L0004,Dan,Dyer,Barton,04/06/2018,dan@example.org,Lapsed",
]


def export_bytes(header=EXPORT_HEADER, rows=EXPORT_ROWS) -> bytes:
    """A members file as exports give it: a byte-order mark, CRLF line ends, DD/MM/YYYY dates."""
    return ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


@pytest.fixture
def existing(wards):
    """Three members already recorded: one the file changes, one it leaves alone, one not in it."""
    barton, northgate, westgate = wards
    return [
        MemberFactory(
            membership_number="L0001",
            first_name="Ann",
            last_name="Archer",
            ward=barton,
            joined_on=dt.date(2015, 3, 1),
            email="ann@example.org",
            status="active",
        ),
        MemberFactory(
            membership_number="L0002",
            first_name="Bob",
            last_name="Baker",
            ward=northgate,
            joined_on=dt.date(2016, 4, 2),
            email="bob@example.org",
            status="active",
        ),
        MemberFactory(
            membership_number="L0099",
            first_name="Zed",
            last_name="Gone",
            ward=westgate,
            joined_on=dt.date(2010, 1, 1),
            status="active",
        ),
    ]


@pytest.fixture
def queued(django_capture_on_commit_callbacks):
    """Posts whose queued work (enqueued after commit) runs at once, on the ImmediateBackend."""

    def post(client, url, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **extra)

    return post


@pytest.fixture
def upload(queued):
    """Upload `content` on the import page; returns the response (not followed)."""

    def upload(client, constituency, content: bytes, *, name="export.csv", kind="members", **fields):
        url = reverse("members:import", args=[constituency.pk])
        return queued(client, url, {"kind": kind, "file": SimpleUploadedFile(name, content), **fields})

    return upload


def latest_run() -> MemberImport:
    return MemberImport.objects.order_by("-pk").first()


def run_url(run, name="import_run"):
    return reverse(f"members:{name}", args=[run.constituency_id, run.pk])

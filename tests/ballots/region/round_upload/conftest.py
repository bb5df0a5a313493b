"""Fixtures of the round upload's tests: a region with its regional officer, and CSV files with dates to come."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import ConstituencyFactory, RegionalOfficerFactory, RegionFactory, WardFactory

DATA = Path(__file__).parent / "data"
HEADER = "constituency,sitting_mp,wards,freeze_date,opens_at,closes_at"


def future(days: int = 60) -> dict[str, str]:
    """A freeze date, opening and closing time that many days ahead (09:00 and 17:00 UK time, a week apart)."""
    opens = dt.date.today() + dt.timedelta(days=days)
    return {
        "FREEZE": (opens - dt.timedelta(days=7)).isoformat(),
        "OPENS": f"{opens.isoformat()} 09:00",
        "CLOSES": f"{(opens + dt.timedelta(days=7)).isoformat()} 17:00",
    }


def filled(name: str, encoding: str = "utf-8") -> bytes:
    """A data file with its {FREEZE}, {OPENS} and {CLOSES} put in, in the file's own encoding."""
    data = (DATA / name).read_bytes()
    for key, value in future().items():
        data = data.replace(b"{" + key.encode() + b"}", value.encode(encoding))
    return data


def row(name: str, mp: str = "Ann Lee", wards: str = "North; South", **values: str) -> str:
    """One CSV row, with dates to come unless given."""
    times = {**future(), **{key.upper(): value for key, value in values.items()}}
    return f"{name},{mp},{wards},{times['FREEZE']},{times['OPENS']},{times['CLOSES']}"


def csv_text(*rows: str) -> str:
    return "\r\n".join([HEADER, *rows]) + "\r\n"


@pytest.fixture
def kent(db):
    """Kent, with one constituency of its own (two wards) and its regional officer."""
    region = RegionFactory(name="Kent")
    old = ConstituencyFactory(name="Kent Old", sitting_mp="Alan Brown", region=region)
    WardFactory(constituency=old, name="Bearsted")
    WardFactory(constituency=old, name="Harrietsham")
    officer = RegionalOfficerFactory(regions=[region])
    return region, old, officer


@pytest.fixture
def kent_client(client, kent):
    client.force_login(kent[2])
    return client


def upload(client, region, data: bytes | str, name: str = "Spring round", file_name: str = "round.csv"):
    """POST the file to the upload page; the response."""
    body = data.encode() if isinstance(data, str) else data
    return client.post(
        reverse("ballots:round_upload", args=[region.pk]),
        {"name": name, "file": SimpleUploadedFile(file_name, body, content_type="text/csv")},
    )

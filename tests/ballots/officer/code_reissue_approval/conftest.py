"""Fixtures of the two-officer re-issue tests: a second officer of the same constituency, signed in
on a client of their own, and a request to re-issue every code that the first officer made."""

import pytest
from django.test import Client

from ballots.officer.services import voting_codes_issue
from ballots.officer.services.code_reissue_approval import code_reissue_request
from tests.factories import OfficerFactory


@pytest.fixture
def second_officer(constituency):
    return OfficerFactory(username="second", constituencies=[constituency])


@pytest.fixture
def second_client(second_officer):
    client = Client()
    client.force_login(second_officer)
    return client


@pytest.fixture
def issued(open_ballot, officer):
    """Every member's first code, issued by the first officer: [(roll entry, code)]."""
    return voting_codes_issue(ballot=open_ballot, actor=officer)


@pytest.fixture
def csv_request(open_ballot, officer, issued):
    """The first officer's request to re-issue every code as a download."""
    return code_reissue_request(
        ballot=open_ballot, actor=officer, how="csv", reason="The CSV went to the wrong address."
    )

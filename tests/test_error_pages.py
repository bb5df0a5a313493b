"""The site's own pages for failures: a database that cannot be reached is a 503 with a wait, anything else a 500."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_seeing_errors():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("error", [OperationalError("connection refused"), InterfaceError("connection already closed")])
def test_a_page_that_cannot_reach_the_database_says_so_with_a_503_and_when_to_retry(client_seeing_errors, error):
    with mock.patch("config.views.user_is_officer", side_effect=error):
        response = client_seeing_errors.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "<h1>Back in a minute</h1>" in page
    assert "cannot reach its database" in page
    assert "connection" not in page  # the error's own words stay in the log


def test_any_other_failure_is_the_sites_500_page(client_seeing_errors):
    with mock.patch("config.views.user_is_officer", side_effect=ValueError("boom")):
        response = client_seeing_errors.get("/")

    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()
    assert "Retry-After" not in response

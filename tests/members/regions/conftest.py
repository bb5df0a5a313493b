"""Fixtures of the region tests: a region, its regional officer signed in, and the delivery
tests' real mail server and database task backend."""

import pytest

from tests.ballots.officer.delivery.conftest import database_tasks, smtp_server  # noqa: F401 - fixtures shared
from tests.factories import RegionalOfficerFactory, RegionFactory


@pytest.fixture
def region():
    return RegionFactory(name="South East")


@pytest.fixture
def regional(region):
    return RegionalOfficerFactory(regions=[region])


@pytest.fixture
def regional_client(client, regional):
    client.force_login(regional)
    return client

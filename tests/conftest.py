"""Fixtures shared by the whole suite."""

import pytest

from tests.factories import OFFICER_PASSWORD, ConstituencyFactory, OfficerFactory, WardFactory


@pytest.fixture
def constituency(db):
    return ConstituencyFactory(name="Canterbury", sitting_mp="Rosie Duffield")


@pytest.fixture
def wards(constituency):
    return [WardFactory(constituency=constituency, name=name) for name in ("Barton", "Northgate", "Westgate")]


@pytest.fixture
def officer(constituency):
    return OfficerFactory(username="officer", constituencies=[constituency])


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def officer_password():
    return OFFICER_PASSWORD


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters live in the cache; each test starts with none.
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception:  # noqa: BLE001 - the cache table may not exist for tests without a database
        pass
    yield

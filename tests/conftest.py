"""Fixtures shared by the whole suite, and the defaults of its property tests."""

import pytest
from hypothesis import settings

from tests.factories import (
    OFFICER_PASSWORD,
    ConstituencyFactory,
    OfficerFactory,
    WardFactory,
    draft_ballot_ready_to_open,
    open_ballot_with_roll,
)

# No property test is judged by the clock: on a busy machine a slow example is not a wrong one.
# Hypothesis's own "ci" profile (loaded under CI) already has no deadline; this gives the
# "default" profile the same, and tests that set their own `settings` keep them.
settings.register_profile("default", settings.get_profile("default"), deadline=None)


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
def other_officer(db):
    """An officer of a different constituency."""
    return OfficerFactory(username="elsewhere", constituencies=[ConstituencyFactory(name="Dover")])


@pytest.fixture
def draft_ballot(constituency, wards):
    """A draft ballot with three eligible members in each ward and two affiliates."""
    return draft_ballot_ready_to_open(constituency=constituency, wards=wards)


@pytest.fixture
def open_ballot(constituency, wards, officer):
    """A ballot opened by `officer` through the service, its roll frozen."""
    return open_ballot_with_roll(constituency=constituency, wards=wards, actor=officer)


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
    # The voting pages' kept copies too: a ballot of the next test may have the same id and names.
    from ballots.voting.kept_pages import kept_pages_forget

    kept_pages_forget()
    yield


@pytest.fixture(autouse=True)
def _english_after_each_test():
    # A page in Welsh leaves Welsh active in the test's thread (a server thread's next request
    # starts in English, config.middleware): the next test starts in English too.
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)

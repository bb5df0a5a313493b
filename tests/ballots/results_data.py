"""Kept while tests import it from here: the builder now lives in tests/factories.py."""

from tests.factories import make_ballot_with_votes  # noqa: F401

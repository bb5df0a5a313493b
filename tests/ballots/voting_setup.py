"""Kept while tests import them from here: the builders now live in tests/factories.py."""

from tests.factories import Voter  # noqa: F401, I001 (one line per name, for easy removal)
from tests.factories import open_ballot_with_voters  # noqa: F401

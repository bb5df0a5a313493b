"""Kept while tests import the builders from here: they now live in tests/factories.py.

The fixtures that were here (`draft_ballot`, `open_ballot`, `other_officer`) are in tests/conftest.py.
"""

from tests.factories import members_in  # noqa: F401, I001 (one line per name, for easy removal)
from tests.factories import open_ballot_with_roll  # noqa: F401

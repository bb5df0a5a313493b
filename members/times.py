"""Times as the officer pages' tables show them: UK time (Europe/London), the zone named.

`uk_time_short` is the Python twin of the templates' ``|date:"j M Y, H:i T"``, for cells and
sentences built in code (a django-tables2 row, a state in words). The letters and reports
spell dates out in full (ballots/officer/services/letter_pdf.py's `uk_time`).
"""

import datetime as dt

from django.utils import dateformat, timezone

SHORT_FORMAT = "j M Y, H:i T"


def uk_time_short(moment: dt.datetime | None) -> str:
    """E.g. "4 Jun 2026, 17:00 BST"; empty for no time."""
    return dateformat.format(timezone.localtime(moment), SHORT_FORMAT) if moment else ""

"""The simulator pages' rate limits: how many scenarios and forecasts one client may ask for.

The what-if and forecast pages are public and each request that carries a scenario (a
POST, or a GET with parameters such as ``?ballot=``) counts it, searches for the smallest
flip or loads a ballot. ``SIMULATOR_REQUESTS_LIMIT`` such requests are allowed per client
address (``ballots.ratelimit.client_address``) in ``SIMULATOR_REQUESTS_WINDOW`` seconds;
past it the page answers 429 with the time to try again, in UK time. A plain visit (GET
with no parameters) shows the demo and is never refused. A forecast run costs more, so
runs have their own, lower limit (``FORECAST_RUNS_LIMIT`` in ``FORECAST_RUNS_WINDOW``).
"""

from __future__ import annotations

import math

from django.http import HttpRequest
from django.utils import timezone

from ballots.officer.services.letter_pdf import uk_time
from ballots.ratelimit import client_address, rate_limit_check, rate_limit_hit

SIMULATOR_REQUESTS_LIMIT = 120
SIMULATOR_REQUESTS_WINDOW = 600
FORECAST_RUNS_LIMIT = 40
FORECAST_RUNS_WINDOW = 600


def simulator_request_refusal(request: HttpRequest) -> tuple[str, int] | None:
    """None when the request may go on (and it is counted); else (the message, seconds to wait)."""
    if request.method != "POST" and not request.GET:
        return None
    key = f"simulator-requests:{client_address(request)}"
    state = rate_limit_check(key, limit=SIMULATOR_REQUESTS_LIMIT, window=SIMULATOR_REQUESTS_WINDOW)
    when = state.retry_at_minute
    if state.limited and when is not None:
        minutes = SIMULATOR_REQUESTS_WINDOW // 60
        message = (
            f"Too many scenarios counted from your address in {minutes} minutes. "
            f"You can count another after {uk_time(when)}."
        )
        return message, max(1, math.ceil((when - timezone.now()).total_seconds()))
    rate_limit_hit(key, limit=SIMULATOR_REQUESTS_LIMIT, window=SIMULATOR_REQUESTS_WINDOW)
    return None


def forecast_run_refusal(request: HttpRequest) -> str | None:
    """None when the client may start a forecast run (and it is counted); else the message."""
    key = f"simulator-forecast:{client_address(request)}"
    state = rate_limit_check(key, limit=FORECAST_RUNS_LIMIT, window=FORECAST_RUNS_WINDOW)
    when = state.retry_at_minute
    if state.limited and when is not None:
        minutes = FORECAST_RUNS_WINDOW // 60
        return f"Too many forecasts from your address in {minutes} minutes. You can run another after {uk_time(when)}."
    rate_limit_hit(key, limit=FORECAST_RUNS_LIMIT, window=FORECAST_RUNS_WINDOW)
    return None

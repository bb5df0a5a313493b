"""Rate limiting of failed attempts, in Django's cache, so it holds across app servers.

A sliding window kept as at most `limit` numbered slots per key. Each failure claims a free
slot with `cache.add` (an INSERT on the database cache, SET NX on Redis: atomic, so two
servers can never both claim one slot), storing the time of the failure and expiring
`window` seconds later. A key is limited while all its slots are taken; it frees when the
oldest slot expires, which is the time we tell the person. `cache.incr` is not used: on the
database cache it is a read then a write, and concurrent failures would be lost.

Reusable: `rate_limit_check(key, limit=..., window=...)` before checking a secret,
`rate_limit_hit(...)` after a failure. Keys are hashed, so membership numbers and
addresses do not sit in the cache in clear.
"""

import datetime as dt
import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from members.membership_numbers import membership_number_normalise

# Refuse to give a silly time if the cache holds something odd.
_PREFIX = "ratelimit"


@dataclass(frozen=True)
class RateLimitState:
    limited: bool
    failures: int
    limit: int
    retry_at: dt.datetime | None  # when limited: the moment the oldest failure leaves the window

    @property
    def retry_at_minute(self) -> dt.datetime | None:
        """retry_at rounded UP to the whole minute, so "after 21:45" is always true."""
        if self.retry_at is None:
            return None
        ceiling = math.ceil(self.retry_at.timestamp() / 60) * 60
        return dt.datetime.fromtimestamp(ceiling, tz=dt.UTC)


def _slot_keys(key: str, limit: int) -> list[str]:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return [f"{_PREFIX}:{digest}:{slot}" for slot in range(limit)]


def _state(taken: dict, limit: int, window: int, now: float) -> RateLimitState:
    live = [stamp for stamp in taken.values() if isinstance(stamp, int | float) and stamp + window > now]
    limited = len(live) >= limit
    retry_at = dt.datetime.fromtimestamp(min(live) + window, tz=dt.UTC) if limited else None
    return RateLimitState(limited=limited, failures=len(live), limit=limit, retry_at=retry_at)


def rate_limit_check(key: str, *, limit: int, window: int, now: float | None = None) -> RateLimitState:
    """How many failures `key` has in the window, and whether it is limited. Writes nothing."""
    now = time.time() if now is None else now
    return _state(cache.get_many(_slot_keys(key, limit)), limit, window, now)


def rate_limit_hit(key: str, *, limit: int, window: int, now: float | None = None) -> RateLimitState:
    """Record one failure for `key`; return the state after it."""
    now = time.time() if now is None else now
    keys = _slot_keys(key, limit)
    taken = cache.get_many(keys)
    for slot_key in keys:
        stamp = taken.get(slot_key)
        if stamp is not None and stamp + window > now:
            continue
        if stamp is not None:
            cache.delete(slot_key)  # expired but not yet purged by the cache
        if cache.add(slot_key, now, timeout=window):
            taken[slot_key] = now
            break
        # Another server claimed this slot a moment ago: read it and try the next.
        taken[slot_key] = cache.get(slot_key, now)
    return _state(taken, limit, window, now)


# -- Voting: failures per membership number and per client -------------------------------------


def client_address(request) -> str:
    """The client's IP address: REMOTE_ADDR, or the address TRUSTED_PROXY_COUNT proxies saw.

    X-Forwarded-For is only believed when the site is configured to sit behind that many
    proxies of its own (each appends the address it saw); otherwise anyone could forge it.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _vote_keys(*, membership_number: str, client: str) -> list[str]:
    number = membership_number_normalise(membership_number)
    keys = [f"vote-client:{client}"]
    if number:
        keys.append(f"vote-number:{number}")
    return keys


def _vote_limits():
    return {"limit": settings.VOTE_RATE_LIMIT, "window": settings.VOTE_RATE_WINDOW_SECONDS}


def vote_rate_limit_check(*, membership_number: str, client: str) -> RateLimitState:
    """Limited if EITHER the number or the client has used up its failures; the later time wins."""
    states = [
        rate_limit_check(key, **_vote_limits())
        for key in _vote_keys(membership_number=membership_number, client=client)
    ]
    limited = [state for state in states if state.limited]
    if limited:
        return max(limited, key=lambda state: state.retry_at)
    return max(states, key=lambda state: state.failures)


def vote_rate_limit_failure(*, membership_number: str, client: str) -> None:
    for key in _vote_keys(membership_number=membership_number, client=client):
        rate_limit_hit(key, **_vote_limits())


def rate_limit_message(state: RateLimitState) -> str:
    when = timezone.localtime(state.retry_at_minute)
    today = timezone.localdate()
    day = "" if when.date() == today else f" on {when:%-d %B}"
    return f"Too many attempts. You can try again after {when:%H:%M} UK time{day}."

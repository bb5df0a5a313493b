"""Rate limiting of failed attempts, in Django's cache, so it holds across app servers.

The primitive. A sliding window kept as at most `limit` numbered slots per key. Each failure
claims a free slot with `cache.add` (an INSERT on the database cache, SET NX on Redis: atomic,
so two servers can never both claim one slot), storing the whole second of the failure and
expiring `window` seconds later. A key is limited while all its slots are taken; it frees when
the oldest slot expires, which is the time we tell the person. `cache.incr` is not used: on
the database cache it is a read then a write, and concurrent failures would be lost.
`rate_limit_check(key, limit=..., window=...)` before checking a secret, `rate_limit_hit(...)`
after a failure; officer login and the simulator use these.

What the cache holds. Every cache key is an HMAC-SHA256 of the logical key under a server key
(RATE_LIMIT_KEY, or one derived from SECRET_KEY), never a plain hash: membership numbers are
short and guessable, so a plain SHA-256 of one could be reversed by trying them all. Values
are whole seconds (or a second with a keyed client id), never microsecond times that could be
matched against other records; every entry expires with its window.

Voting: who can be stopped by whose failures. A limit keyed on a membership number alone lets
a stranger who types that number lock its member out, so the number's limits are soft:

* (client address, membership number) pair: VOTE_RATE_LIMIT failures per
  VOTE_RATE_WINDOW_SECONDS, then refused. Only that member from that address is stopped.
* client address: VOTE_RATE_CLIENT_LIMIT failures (high, for a room of members behind one
  NAT), then refused. This stops one address trying many numbers. Failures count here only
  while the pair has room, so one member's typos add at most VOTE_RATE_LIMIT to it.
* membership number, slow-down: once it has VOTE_RATE_SLOW_AFTER failures in the window, an
  attempt within VOTE_RATE_SLOW_SECONDS of its last failure is refused with "wait a moment",
  unless that last failure came from the same client (whose own retries the pair limit
  governs). A stranger can delay the member by seconds, never lock them out.
* membership number, hard lock: only when VOTE_RATE_LOCK_CLIENTS distinct clients (at least 2)
  have each failed on it within the window. Distinct clients are counted in slots claimed
  with `cache.add` holding a keyed hash of the client, after an atomic per-(number, client)
  marker, so concurrent requests from one client cannot take two slots.
* the personal link (`personal_link=True`) skips both number limits: it carries the code, so
  a guesser gains nothing from it, and a member whose number is under attack still votes.
* a branch meeting (`meeting=True`: the request came from an open meeting's device or room,
  ballots/meeting_devices.py) skips the client limit, and its failures are not counted there:
  a room of members behind one address is not locked out by one another's typos. The pair
  and both number limits stay exactly as they are, so one member's repeated failures, and
  one number tried from many places, are still stopped.

Attempts refused by a limit are not failures and are counted nowhere. A success resets
nothing (otherwise one good credential would reset an attacker's count).

What remains. An attacker with several addresses can still hard-lock a number for one window
(the member then uses the personal link), and a phone whose address changes between requests
looks like several clients. X-Forwarded-For is believed only for TRUSTED_PROXY_COUNT proxies
of our own; with the count 0 behind a proxy, every client shares the proxy's address, which
`check --deploy` refuses (ballots.E005) and `client_address` warns of once per process.
"""

import datetime as dt
import hashlib
import hmac
import logging
import math
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from members.membership_numbers import membership_number_normalise

logger = logging.getLogger(__name__)

_PREFIX = "ratelimit"

# What stopped an attempt: too many failures (hard), a number locked by several clients
# (hard), or a number to wait a moment on (soft).
KIND_ATTEMPTS = "attempts"
KIND_NUMBER_LOCKED = "number_locked"
KIND_SLOW = "slow"


@dataclass(frozen=True)
class RateLimitState:
    limited: bool
    failures: int
    limit: int
    retry_at: dt.datetime | None  # when limited: the moment the limit lifts
    kind: str = KIND_ATTEMPTS

    @property
    def retry_at_minute(self) -> dt.datetime | None:
        """retry_at rounded UP to the whole minute, so "after 21:45" is always true."""
        if self.retry_at is None:
            return None
        ceiling = math.ceil(self.retry_at.timestamp() / 60) * 60
        return dt.datetime.fromtimestamp(ceiling, tz=dt.UTC)


def _server_key() -> bytes:
    key = getattr(settings, "RATE_LIMIT_KEY", "")
    if key:
        return key.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"rate-limit", hashlib.sha256).digest()


def _keyed_hash(text: str) -> str:
    return hmac.new(_server_key(), text.encode(), hashlib.sha256).hexdigest()[:32]


def keyed_hash(*, purpose: str, text: str) -> str:
    """A keyed hash of `text` for `purpose` under the rate limits' server key: what a meeting keeps of
    its device token and of its room's address, never the thing itself."""
    return _keyed_hash(f"{purpose}:{text}")


def _second(now: float | None) -> int:
    return math.floor(time.time() if now is None else now)


def _slot_keys(key: str, limit: int) -> list[str]:
    digest = _keyed_hash(key)
    return [f"{_PREFIX}:{digest}:{slot}" for slot in range(limit)]


def _stamp_of(value) -> int | None:
    """The second a slot holds: a plain stamp, or [stamp, client id]."""
    if isinstance(value, list | tuple) and value:
        value = value[0]
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _live_stamps(taken: dict, window: int, now: int) -> list[int]:
    stamps = [_stamp_of(value) for value in taken.values()]
    return [stamp for stamp in stamps if stamp is not None and stamp + window > now]


def _state(taken: dict, limit: int, window: int, now: int, kind: str = KIND_ATTEMPTS) -> RateLimitState:
    live = _live_stamps(taken, window, now)
    limited = len(live) >= limit
    retry_at = dt.datetime.fromtimestamp(min(live) + window, tz=dt.UTC) if limited else None
    return RateLimitState(limited=limited, failures=len(live), limit=limit, retry_at=retry_at, kind=kind)


def _slot_claim(keys: list[str], value, *, window: int, now: int) -> tuple[bool, dict]:
    """Claim the first free slot for `value`: (whether one was claimed, the slots as last seen)."""
    taken = cache.get_many(keys)
    for slot_key in keys:
        stamp = _stamp_of(taken.get(slot_key))
        if slot_key in taken and stamp is not None and stamp + window > now:
            continue
        if slot_key in taken:
            cache.delete(slot_key)  # expired but not yet purged by the cache
        if cache.add(slot_key, value, timeout=window):
            taken[slot_key] = value
            return True, taken
        # Another server claimed this slot a moment ago: read it and try the next.
        taken[slot_key] = cache.get(slot_key, value)
    return False, taken


def rate_limit_check(key: str, *, limit: int, window: int, now: float | None = None) -> RateLimitState:
    """How many failures `key` has in the window, and whether it is limited. Writes nothing."""
    return _state(cache.get_many(_slot_keys(key, limit)), limit, window, _second(now))


def rate_limit_hit(key: str, *, limit: int, window: int, now: float | None = None) -> RateLimitState:
    """Record one failure for `key`; return the state after it."""
    second = _second(now)
    _claimed, taken = _slot_claim(_slot_keys(key, limit), second, window=window, now=second)
    return _state(taken, limit, window, second)


# -- The client's address ----------------------------------------------------------------------

_uncounted_proxy_warned = False
_uncounted_proxy_lock = threading.Lock()


def _warn_uncounted_proxy_once() -> None:
    global _uncounted_proxy_warned
    with _uncounted_proxy_lock:
        if _uncounted_proxy_warned:
            return
        _uncounted_proxy_warned = True
    logger.warning(
        "Requests carry X-Forwarded-For but TRUSTED_PROXY_COUNT is 0: the site seems to be behind a proxy "
        "that is not counted, so every client may share the proxy's address in the rate limits. "
        "Set TRUSTED_PROXY_COUNT to the number of your own proxies."
    )


def client_address(request) -> str:
    """The client's IP address: REMOTE_ADDR, or the address TRUSTED_PROXY_COUNT proxies saw.

    X-Forwarded-For is only believed when the site is configured to sit behind that many
    proxies of its own (each appends the address it saw); otherwise anyone could forge it.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0:
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    elif header.strip():
        _warn_uncounted_proxy_once()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


# -- Voting: the pair, the client, and the number's slow-down and lock --------------------------


def _window() -> int:
    return settings.VOTE_RATE_WINDOW_SECONDS


def _pair_key(number: str, client: str) -> str:
    return f"vote-pair:{number}|{client}"


def _client_key(client: str) -> str:
    return f"vote-client:{client}"


def _client_id(client: str) -> str:
    return _keyed_hash(f"vote-client-id:{client}")[:16]


def _number_slots(number: str) -> list[str]:
    return _slot_keys(f"vote-number:{number}", settings.VOTE_RATE_SLOW_AFTER)


def _number_clients_slots(number: str) -> list[str]:
    return _slot_keys(f"vote-number-clients:{number}", settings.VOTE_RATE_LOCK_CLIENTS)


def _number_last_key(number: str) -> str:
    return f"{_PREFIX}:{_keyed_hash(f'vote-number-last:{number}')}"


def _number_client_marker(number: str, client: str) -> str:
    return f"{_PREFIX}:{_keyed_hash(f'vote-number-client:{number}|{client}')}"


def _number_slow_down(found: dict, number: str, client: str, now: int) -> RateLimitState:
    """The number's slow-down, from `found`: the cache's values of its slots and its last failure."""
    slow_after, delay = settings.VOTE_RATE_SLOW_AFTER, settings.VOTE_RATE_SLOW_SECONDS
    slots = {key: found[key] for key in _number_slots(number) if key in found}
    failures = len(_live_stamps(slots, _window(), now))
    last = found.get(_number_last_key(number))
    slowed = False
    retry_at = None
    if failures >= slow_after and isinstance(last, list | tuple) and len(last) == 2:
        stamp, last_client = _stamp_of(last), last[1]
        if stamp is not None and stamp + delay > now and last_client != _client_id(client):
            slowed = True
            retry_at = dt.datetime.fromtimestamp(stamp + delay, tz=dt.UTC)
    return RateLimitState(limited=slowed, failures=failures, limit=slow_after, retry_at=retry_at, kind=KIND_SLOW)


def vote_rate_limit_check(
    *,
    membership_number: str,
    client: str,
    personal_link: bool = False,
    meeting: bool = False,
    now: float | None = None,
) -> RateLimitState:
    """Whether an attempt may have its code checked. Hard limits first (the latest time wins),
    then the number's slow-down; the personal link skips both of the number's limits, and a
    branch meeting skips the client's limit. Every counter it needs is read at once (one
    `get_many`: one query on the database cache, one round trip on Redis)."""
    second = _second(now)
    window = _window()
    number = membership_number_normalise(membership_number)
    limits = []  # (slot keys, limit, kind) of each hard limit that applies
    if not meeting:
        client_limit = settings.VOTE_RATE_CLIENT_LIMIT
        limits.append((_slot_keys(_client_key(client), client_limit), client_limit, KIND_ATTEMPTS))
    if number:
        limits.append(
            (_slot_keys(_pair_key(number, client), settings.VOTE_RATE_LIMIT), settings.VOTE_RATE_LIMIT, KIND_ATTEMPTS)
        )
        if not personal_link:
            limits.append((_number_clients_slots(number), settings.VOTE_RATE_LOCK_CLIENTS, KIND_NUMBER_LOCKED))
    slow_down = bool(number) and not personal_link
    wanted = [key for keys, _, _ in limits for key in keys]
    if slow_down:
        wanted += [*_number_slots(number), _number_last_key(number)]
    found = cache.get_many(wanted) if wanted else {}
    states = [
        _state({key: found[key] for key in keys if key in found}, limit, window, second, kind)
        for keys, limit, kind in limits
    ]
    hard = [state for state in states if state.limited]
    if hard:
        return max(hard, key=lambda state: state.retry_at)
    if slow_down:
        slow = _number_slow_down(found, number, client, second)
        if slow.limited:
            return slow
    if not states:  # a meeting's attempt with no number to count: nothing limits it
        return RateLimitState(limited=False, failures=0, limit=settings.VOTE_RATE_LIMIT, retry_at=None)
    return max(states, key=lambda state: state.failures)


def _number_client_count(number: str, client: str, second: int) -> None:
    """Count `client` once among the clients failing on `number` (its slot refreshed on each failure)."""
    window = _window()
    marker = _number_client_marker(number, client)
    first = cache.add(marker, second, timeout=window)
    if not first:
        stamp = _stamp_of(cache.get(marker))
        if stamp is None or stamp + window <= second:  # expired but not yet purged
            cache.delete(marker)
            first = cache.add(marker, second, timeout=window)
    client_id = _client_id(client)
    keys = _number_clients_slots(number)
    taken = cache.get_many(keys)
    for slot_key in keys:
        value = taken.get(slot_key)
        stamp = _stamp_of(value)
        if stamp is not None and stamp + window > second and list(value[1:]) == [client_id]:
            cache.set(slot_key, [second, client_id], timeout=window)  # only this client writes it
            return
    if first:  # only the request that set the marker may claim, so one client takes one slot
        _slot_claim(keys, [second, client_id], window=window, now=second)


def vote_rate_limit_failure(
    *, membership_number: str, client: str, meeting: bool = False, now: float | None = None
) -> None:
    """Record one failed attempt (a wrong code or an unknown number) from `client`; at a branch
    meeting (`meeting=True`) it is not counted against the client."""
    second = _second(now)
    window = _window()
    number = membership_number_normalise(membership_number)
    if number:
        claimed, _taken = _slot_claim(
            _slot_keys(_pair_key(number, client), settings.VOTE_RATE_LIMIT), second, window=window, now=second
        )
        if not claimed:
            return  # the pair was already at its limit (a race): this member adds no more anywhere
    if not meeting:
        client_slots = _slot_keys(_client_key(client), settings.VOTE_RATE_CLIENT_LIMIT)
        _slot_claim(client_slots, second, window=window, now=second)
    if number:
        _slot_claim(_number_slots(number), second, window=window, now=second)
        cache.set(_number_last_key(number), [second, _client_id(client)], timeout=settings.VOTE_RATE_SLOW_SECONDS)
        _number_client_count(number, client, second)


def rate_limit_message(state: RateLimitState) -> str:
    """The refusal in plain words, in the page's language, with the time in UK time."""
    if state.kind == KIND_SLOW:
        when = timezone.localtime(state.retry_at)
        return gettext("Please wait a moment: you can try again at %(time)s UK time.") % {"time": f"{when:%H:%M:%S}"}
    when = timezone.localtime(state.retry_at_minute)
    time = f"{when:%H:%M}"
    if state.kind == KIND_NUMBER_LOCKED:
        if when.date() == timezone.localdate():
            message = gettext(
                "Too many attempts have been made with this membership number. You can try again after "
                "%(time)s UK time, or now with the personal voting link you were sent."
            )
        else:
            message = gettext(
                "Too many attempts have been made with this membership number. You can try again after "
                "%(time)s UK time on %(day)s, or now with the personal voting link you were sent."
            )
    elif when.date() == timezone.localdate():
        message = gettext("Too many attempts. You can try again after %(time)s UK time.")
    else:
        message = gettext("Too many attempts. You can try again after %(time)s UK time on %(day)s.")
    # The day's month in the page's language (Welsh month names on a Welsh page).
    return message % {"time": time, "day": date_format(when, "j F")}

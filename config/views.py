"""The home page, the friendly error pages and /healthz (the database, the cache, the task worker)."""

import logging
import secrets
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from ballots.tasks.heartbeat import worker_heartbeat_age, worker_heartbeat_fresh
from members.access import OfficerAccessRefused
from members.selectors import constituencies_for_officer, regions_for_officer, user_is_officer, user_is_scrutineer


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["is_officer"] = user_is_officer(user)
        context["regions"] = regions_for_officer(user)
        # A regional officer runs every constituency of their regions: those are on the region's
        # pages; here, only the constituencies they are named for themselves.
        named = constituencies_for_officer(user)
        if context["regions"] and not user.is_superuser:
            named = named.filter(officers=user)
        context["constituencies"] = named.prefetch_related("ballots")
        context["is_scrutineer"] = user_is_scrutineer(user)
        return context


def permission_denied(request, exception=None):
    # An officer page says exactly why it was refused (members/access.py); anything else is generic.
    if isinstance(exception, OfficerAccessRefused):
        return render(request, "members/access_refused.html", {"reason": exception.reason}, status=403)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


# A request that failed because the database could not be reached (down, restarting, out of
# connections) is the service being unavailable, not a fault in the page: 503 with a wait.
DATABASE_UNAVAILABLE_RETRY_SECONDS = 60


def server_error(request):
    # Django calls this while handling the exception, so it is still the one in flight.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        # Rendered without the request: its context processors could need the database.
        response = render(None, "503.html", {"retry_seconds": DATABASE_UNAVAILABLE_RETRY_SECONDS}, status=503)
        response["Retry-After"] = str(DATABASE_UNAVAILABLE_RETRY_SECONDS)
        return response
    return render(None, "500.html", status=500)


logger = logging.getLogger(__name__)
HEALTH_CACHE_KEY = "healthz:probe"
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


def _database_health() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


def _cache_health() -> dict:
    # A write and a read back: rate limits need both, and a missing cache table fails either.
    token = secrets.token_hex(8)
    cache.set(HEALTH_CACHE_KEY, token, timeout=60)
    if cache.get(HEALTH_CACHE_KEY) != token:
        raise RuntimeError("the cache did not return the value just written")
    return {"status": "ok"}


def _probe(name: str, probe: Callable[[], dict]) -> dict:
    try:
        return probe()
    except Exception as error:  # noqa: BLE001 - any failure is the answer, not a 500
        # The details go to the log; the public answer names only the kind of failure.
        logger.exception("healthz: %s failed", name)
        return {"status": "failing", "error": type(error).__name__}


def _task_worker_health() -> dict:
    age = worker_heartbeat_age()
    if worker_heartbeat_fresh(age):
        return {"status": "ok", "last_beat_seconds_ago": age}
    return {
        "status": "down",
        "last_beat_seconds_ago": age,
        "hint": "start the task worker: `python manage.py task_worker` (`make worker`)",
    }


@never_cache
@require_GET
def healthz(request):
    """The database, the cache and the task worker, as JSON for load balancers and monitors.

    503 ("failing") when the database or the cache does not answer: this server cannot
    serve votes. A task worker whose heartbeat is older than TASK_WORKER_STALE_SECONDS (or
    that never beat) is "down" and the answer 200 "degraded": every page still works and
    queued emails wait for it, so a load balancer must not take the app servers out of
    service for it, while a monitor alerts on "degraded". With the cache failing, the
    heartbeat cannot be read, so the worker is "unknown".
    """
    checks = {
        "database": _probe("database", _database_health),
        "cache": _probe("cache", _cache_health),
    }
    if checks["cache"]["status"] != "ok" and settings.CACHES["default"]["BACKEND"] == DATABASE_CACHE:
        # `migrate` makes the table; it can still be missing if the cache was switched from Redis later.
        checks["cache"]["hint"] = "run `python manage.py createcachetable`"
    healthy = all(checks[name]["status"] == "ok" for name in ("database", "cache"))
    checks["task_worker"] = _probe("task worker", _task_worker_health) if healthy else {"status": "unknown"}
    if not healthy:
        status = "failing"
    else:
        status = "ok" if checks["task_worker"]["status"] == "ok" else "degraded"
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == "failing" else 200)

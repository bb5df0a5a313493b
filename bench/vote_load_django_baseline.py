"""A second baseline for bench/vote_load.py: the project's own settings, middleware and
gunicorn configuration, serving one view that does one INSERT per request.

Where vote_load_baseline.py measures the cheapest "write one row over HTTP" on the machine,
this measures the same through Django's stack (sessions, CSRF, security headers), so the
ratio against it shows what the voting logic itself costs. Served as
`DJANGO_SETTINGS_MODULE=bench.vote_load_django_baseline gunicorn config.wsgi`.
"""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from config.settings import *  # noqa: F403 - exactly the project's settings, one URL aside

ROOT_URLCONF = __name__


@csrf_exempt
def insert_one(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO vote_load_baseline (payload) VALUES (%s)", [request.POST.get("n", "")[:64]])
    return HttpResponse("ok", content_type="text/plain")


# The project's middleware looks up the voting pages' address by name, so that name is here too
# (the project's own URLs cannot be imported from a settings module, before the apps load).
urlpatterns = [
    path("", insert_one),
    path("vote/", include(([path("", insert_one, name="vote_start")], "ballots"))),
]

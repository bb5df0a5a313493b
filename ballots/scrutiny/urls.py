"""URLs of the scrutineers' read-only pages (placeholder: the pages are being built)."""

from django.http import Http404
from django.urls import path


def _not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("scrutiny/", _not_built, name="scrutiny_list"),
    path("scrutiny/ballots/<int:pk>/", _not_built, name="scrutiny_ballot"),
]

"""URLs of a round's forecast (placeholder: the pages are being built)."""

from django.http import Http404
from django.urls import path


def _not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("rounds/<int:round_pk>/forecast/", _not_built, name="round_forecast"),
]

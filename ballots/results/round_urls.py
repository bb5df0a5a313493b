"""URLs of a round's public overview (placeholder: the pages are being built)."""

from django.http import Http404
from django.urls import path


def _not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("rounds/<int:round_pk>/", _not_built, name="round_overview"),
    path("rounds/<int:round_pk>.json", _not_built, name="round_overview_json"),
    path("rounds/<int:round_pk>.csv", _not_built, name="round_overview_csv"),
]

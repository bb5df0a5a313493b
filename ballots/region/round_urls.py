"""URLs of a round set up from one file (placeholder: the pages are being built)."""

from django.http import Http404
from django.urls import path


def _not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("regions/<int:region_pk>/rounds/new/", _not_built, name="round_upload"),
]

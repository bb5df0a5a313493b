"""URLs of a region's dashboard (placeholder: the pages are being built)."""

from django.http import Http404
from django.urls import path


def _not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("regions/<int:region_pk>/dashboard/", _not_built, name="region_dashboard"),
]

"""URLs of a region's set-up pages: its constituencies (here) and its people and invitations (invitation_urls.py)."""

from django.http import Http404
from django.urls import include, path


def _not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("regions/", _not_built, name="region_list"),
    path("regions/<int:region_pk>/", _not_built, name="region"),
    path("regions/<int:region_pk>/constituencies/new/", _not_built, name="region_constituency_add"),
    path("", include("members.regions.invitation_urls")),
]

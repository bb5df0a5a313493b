"""URLs of a region's people and invitations (placeholder: the pages are being built)."""

from django.http import Http404
from django.urls import path


def _not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("regions/<int:region_pk>/people/", _not_built, name="region_people"),
    path("invitations/<str:token>/", _not_built, name="invitation_accept"),
]

"""URLs of a region's set-up pages: its constituencies (here) and its people and invitations (invitation_urls.py)."""

from django.urls import include, path

from members.regions import views

urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
    path("regions/<int:region_pk>/", views.RegionView.as_view(), name="region"),
    path(
        "regions/<int:region_pk>/constituencies/new/",
        views.ConstituencyAddView.as_view(),
        name="region_constituency_add",
    ),
    path(
        "regions/<int:region_pk>/constituencies/<int:pk>/",
        views.ConstituencyEditView.as_view(),
        name="region_constituency_edit",
    ),
    path("", include("members.regions.invitation_urls")),
]

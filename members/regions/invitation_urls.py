"""URLs of a region's people and invitations."""

from django.urls import path

from members.regions import views

urlpatterns = [
    path("regions/<int:region_pk>/people/", views.PeopleView.as_view(), name="region_people"),
    path("invitations/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
]

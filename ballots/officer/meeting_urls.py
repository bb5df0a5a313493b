"""URLs of meeting sessions: open one for a ward, close it, make this browser its device; included
under a ballot's manage pages."""

from django.urls import path

from ballots.officer.views.meetings import MeetingCloseView, MeetingDeviceView, MeetingsView

urlpatterns = [
    path("", MeetingsView.as_view(), name="meetings"),
    path("<int:meeting_pk>/close/", MeetingCloseView.as_view(), name="meeting_close"),
    path("<int:meeting_pk>/device/", MeetingDeviceView.as_view(), name="meeting_device"),
]

"""URLs of a round set up from one file: upload and preview, then confirm (ballots/region/round_views.py)."""

from django.urls import path

from ballots.region.round_views import RoundConfirmView, RoundUploadView

urlpatterns = [
    path("regions/<int:region_pk>/rounds/new/", RoundUploadView.as_view(), name="round_upload"),
    path("regions/<int:region_pk>/rounds/new/confirm/", RoundConfirmView.as_view(), name="round_upload_confirm"),
]

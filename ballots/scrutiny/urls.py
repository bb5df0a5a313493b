"""URLs of the scrutineers' read-only pages (ballots/scrutiny/views.py)."""

from django.urls import path

from ballots.scrutiny.views import ScrutinyBallotView, ScrutinyListView

urlpatterns = [
    path("scrutiny/", ScrutinyListView.as_view(), name="scrutiny_list"),
    path("scrutiny/ballots/<int:pk>/", ScrutinyBallotView.as_view(), name="scrutiny_ballot"),
]

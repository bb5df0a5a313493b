"""URLs of a round's public overview: the page, its JSON and its CSV (ballots/results/round_views.py)."""

from django.urls import path

from ballots.results import round_views

urlpatterns = [
    path("rounds/<int:round_pk>/", round_views.round_overview_page, name="round_overview"),
    path("rounds/<int:round_pk>.json", round_views.round_overview_json, name="round_overview_json"),
    path("rounds/<int:round_pk>.csv", round_views.round_overview_csv, name="round_overview_csv"),
]

"""URLs of a round's forecast."""

from django.urls import path

from ballots.region.forecast_views import round_forecast_view

urlpatterns = [
    path("rounds/<int:round_pk>/forecast/", round_forecast_view, name="round_forecast"),
]

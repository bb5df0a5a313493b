"""URLs of the ballots app: simulator pages (what-if and forecast)."""

from django.urls import path

from ballots.simulator import views as simulator_views

urlpatterns = [
    path("simulator/", simulator_views.whatif, name="simulator"),
    path("simulator/forecast/", simulator_views.forecast, name="simulator_forecast"),
]

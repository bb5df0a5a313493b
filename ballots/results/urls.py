"""URLs of the ballots app: results pages (list of declared ballots; a ballot's page, JSON, CSV)."""

from django.urls import path

from ballots.results import views as results_views

urlpatterns = [
    path("ballots/", results_views.declared_list, name="declared_list"),
    path("ballots/<int:pk>/results", results_views.results_page, name="results"),
    path("ballots/<int:pk>/results.json", results_views.results_json, name="results_json"),
    path("ballots/<int:pk>/results.csv", results_views.results_csv, name="results_csv"),
]

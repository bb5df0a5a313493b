"""URLs of a region's dashboard: the page, and its table as CSV (same filters and sort)."""

from django.urls import path

from ballots.region.dashboard_views import RegionDashboardCsvView, RegionDashboardView

urlpatterns = [
    path("regions/<int:region_pk>/dashboard/", RegionDashboardView.as_view(), name="region_dashboard"),
    path("regions/<int:region_pk>/dashboard.csv", RegionDashboardCsvView.as_view(), name="region_dashboard_csv"),
]

"""The members app's officer pages: constituencies, wards, members, affiliates and imports."""

from django.urls import path

from members import import_views, views
from members.regions import urls as region_urls

app_name = "members"

constituency = "constituencies/<int:constituency_pk>/"
run = "import/<int:run_pk>/"

urlpatterns = [
    path("constituencies/", views.ConstituencyListView.as_view(), name="constituency_list"),
    path(constituency, views.ConstituencyOverviewView.as_view(), name="constituency"),
    path(constituency + "members/", views.MemberListView.as_view(), name="member_list"),
    path(constituency + "members/add/", views.MemberFormView.as_view(), name="member_add"),
    path(constituency + "members/<int:pk>/", views.MemberFormView.as_view(), name="member_edit"),
    path(constituency + "affiliates/", views.AffiliateListView.as_view(), name="affiliate_list"),
    path(constituency + "affiliates/add/", views.AffiliateFormView.as_view(), name="affiliate_add"),
    path(constituency + "affiliates/<int:pk>/", views.AffiliateFormView.as_view(), name="affiliate_edit"),
    path(constituency + "wards/add/", views.WardFormView.as_view(), name="ward_add"),
    path(constituency + "wards/<int:pk>/", views.WardFormView.as_view(), name="ward_edit"),
    path(constituency + "import/", import_views.ImportUploadView.as_view(), name="import"),
    path(constituency + run, import_views.ImportRunView.as_view(), name="import_run"),
    path(constituency + run + "columns/", import_views.ImportColumnsView.as_view(), name="import_columns"),
    path(constituency + run + "values/", import_views.ImportValuesView.as_view(), name="import_values"),
    path(constituency + run + "missing/", import_views.ImportMissingView.as_view(), name="import_missing"),
    path(constituency + run + "preview/", import_views.ImportPreviewAgainView.as_view(), name="import_preview"),
    path(constituency + run + "confirm/", import_views.ImportConfirmView.as_view(), name="import_confirm"),
    path(constituency + run + "changes.csv", import_views.ImportChangesCsvView.as_view(), name="import_changes_csv"),
    path(constituency + run + "problems.csv", import_views.ImportErrorsCsvView.as_view(), name="import_errors_csv"),
    # A region's set-up without the admin (docs/regions.md).
    *region_urls.urlpatterns,
]

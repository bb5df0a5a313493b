from django.urls import path

from members import views

app_name = "members"

constituency = "constituencies/<int:constituency_pk>/"

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
    path(constituency + "import/", views.ImportView.as_view(), name="import"),
]

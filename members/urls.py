from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("constituencies/<int:constituency_pk>/", views.ConstituencyOverviewView.as_view(), name="constituency"),
]

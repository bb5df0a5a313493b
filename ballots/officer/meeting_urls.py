"""URLs of meeting sessions: open one for a ward, close it; included under a ballot's manage pages."""

urlpatterns: list = []

"""URLs of printable ballot papers for a ward (PDF); included under a ballot's manage pages."""

urlpatterns: list = []

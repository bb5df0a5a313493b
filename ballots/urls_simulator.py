"""URLs of the ballots app: simulator pages."""

urlpatterns = []

"""URLs of the ballots app: officer pages."""

urlpatterns = []

"""URLs of the ballots app: results pages."""

urlpatterns = []

"""URLs of the ballots app: voting pages."""

urlpatterns = []

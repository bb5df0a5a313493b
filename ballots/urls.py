"""All of the ballots app's URLs, gathered from one module per area."""

from ballots import urls_officer, urls_results, urls_simulator, urls_voting

app_name = "ballots"

urlpatterns = [
    *urls_officer.urlpatterns,
    *urls_voting.urlpatterns,
    *urls_results.urlpatterns,
    *urls_simulator.urlpatterns,
]

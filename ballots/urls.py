"""All of the ballots app's URLs, gathered from one module per area."""

from ballots.officer import urls as urls_officer
from ballots.results import urls as urls_results
from ballots.simulator import urls as urls_simulator
from ballots.voting import urls as urls_voting

app_name = "ballots"

urlpatterns = [
    *urls_officer.urlpatterns,
    *urls_voting.urlpatterns,
    *urls_results.urlpatterns,
    *urls_simulator.urlpatterns,
]

"""All of the ballots app's URLs, gathered from one module per area."""

from ballots.officer import urls as urls_officer
from ballots.region import dashboard_urls, forecast_urls, round_urls
from ballots.results import round_urls as round_overview_urls
from ballots.results import urls as urls_results
from ballots.scrutiny import urls as urls_scrutiny
from ballots.simulator import urls as urls_simulator
from ballots.voting import urls as urls_voting

app_name = "ballots"

urlpatterns = [
    # First: the voting pages are what the site serves most, and every pattern before the one
    # that matches is tried in turn.
    *urls_voting.urlpatterns,
    *urls_officer.urlpatterns,
    *urls_results.urlpatterns,
    *urls_simulator.urlpatterns,
    # A region's rounds (docs/regions.md): set-up from one file, the dashboard, the forecast,
    # the public overview, and the scrutineers' read-only pages.
    *round_urls.urlpatterns,
    *dashboard_urls.urlpatterns,
    *forecast_urls.urlpatterns,
    *round_overview_urls.urlpatterns,
    *urls_scrutiny.urlpatterns,
]

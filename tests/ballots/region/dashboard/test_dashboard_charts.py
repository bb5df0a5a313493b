"""The dashboard's charts: SVG with a title and a description, and the same figures in words."""

from django.urls import reverse

from ballots.region.dashboard import dashboard_rows, region_ballots
from ballots.region.dashboard_charts import (
    outcome_bars,
    outcome_chart_svg,
    outcome_chart_text,
    turnout_bands,
    turnout_chart_text,
)


def test_the_turnout_chart_counts_the_opened_ballots_by_band(kent):
    region, _round, _ballots = kent
    rows = dashboard_rows(region_ballots(region))
    bands = {bar.label: bar.count for bar in turnout_bands(rows)}
    assert bands["80% to 90%"] == 3 and sum(bands.values()) == 3
    text = turnout_chart_text(rows)
    assert "Turnout so far in 3 ballots opened: median 85.0%" in text
    assert "80% to 90%: 3 ballots" in text


def test_the_outcome_chart_counts_declared_outcomes_and_the_rest_by_status(kent):
    region, _round, _ballots = kent
    rows = dashboard_rows(region_ballots(region))
    counts = {bar.label: bar.count for bar in outcome_bars(rows)}
    assert counts["Reselected"] + counts["Open selection"] == 1
    assert (counts["Closed, not declared"], counts["Voting open"], counts["Draft"]) == (1, 1, 1)
    text = outcome_chart_text(rows)
    assert text.startswith("Of 4 ballots shown, 1 declared:")
    assert "Not declared: closed, not declared: 1; voting open: 1; draft: 1." in text


def test_the_svg_names_itself_and_carries_its_text_alternative(kent):
    region, _round, _ballots = kent
    rows = dashboard_rows(region_ballots(region))
    svg = str(outcome_chart_svg(rows))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="outcomes-title">Where the ballots stand</title>' in svg
    assert "Of 4 ballots shown" in svg
    assert "style=" not in svg


def test_with_nothing_opened_the_turnout_chart_says_so():
    assert turnout_chart_text([]) == "No ballot shown has opened yet, so there is no turnout to chart."


def test_the_page_shows_both_charts_and_their_words(regional_client, kent):
    region, _round, _ballots = kent
    html = regional_client.get(reverse("ballots:region_dashboard", args=[region.pk])).content.decode()
    assert html.count("<svg") == 2
    assert "Turnout so far in 3 ballots opened" in html
    assert "Of 4 ballots shown, 1 declared" in html


def test_an_undeclared_round_charts_no_outcome(regional_client, kent):
    from ballots.models import TriggerBallot

    region, _round, ballots = kent
    TriggerBallot.objects.filter(pk=ballots[2].pk).update(status=TriggerBallot.Status.CLOSED)
    html = regional_client.get(reverse("ballots:region_dashboard", args=[region.pk])).content.decode()
    assert "Of 4 ballots shown, 0 declared: 0 reselected and 0 open selection." in html

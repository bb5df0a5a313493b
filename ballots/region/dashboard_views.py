"""A region's dashboard: every ballot of the region in one table, two charts, and the CSV of the table.

Thin: the rows come from ballots/region/dashboard.py (a constant number of queries, whatever
the number of ballots), the filter from dashboard_filters.py, the charts from dashboard_charts.py.
For the region's regional officers only (members/access.py, RegionOfficerMixin).
"""

from django.utils import timezone
from django.utils.text import slugify
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from ballots.region.dashboard import CSV_HEADER, dashboard_rows, region_ballots, region_rounds, rows_for_csv
from ballots.region.dashboard_charts import (
    outcome_chart_svg,
    outcome_chart_text,
    turnout_chart_svg,
    turnout_chart_text,
)
from ballots.region.dashboard_filters import DashboardFilter
from ballots.region.dashboard_tables import DashboardTable
from members.access import RegionOfficerMixin
from members.csv_export import csv_response

PAGE_SIZE = 50


class RegionDashboardView(RegionOfficerMixin, SingleTableMixin, FilterView):
    template_name = "ballots/region/dashboard.html"
    table_class = DashboardTable
    filterset_class = DashboardFilter
    table_pagination = {"per_page": PAGE_SIZE}
    export = False

    def get_queryset(self):
        return region_ballots(self.region)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["region"] = self.region
        return kwargs

    def get_table_data(self):
        # Every filtered ballot's row: the table shows a page of them, the charts all of them.
        self.rows = dashboard_rows(self.object_list)
        return self.rows

    def get_table_pagination(self, table):
        return False if self.export else super().get_table_pagination(table)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(self.rows)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            rounds=list(region_rounds(self.region)),
            export_query=query.urlencode(),
            turnout_chart=turnout_chart_svg(rows),
            turnout_text=turnout_chart_text(rows),
            outcome_chart=outcome_chart_svg(rows),
            outcome_text=outcome_chart_text(rows),
            ballot_count=len(rows),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if not self.export:
            return super().render_to_response(context, **response_kwargs)
        table = context["table"]
        filename = f"{slugify(self.region.name)}-dashboard-{timezone.localdate():%Y-%m-%d}.csv"
        # `table.data.data` is the rows in the order the table sorted them.
        return csv_response(filename, CSV_HEADER, rows_for_csv(list(table.data.data)))


class RegionDashboardCsvView(RegionDashboardView):
    """The table as CSV: every filtered row (no page), in the table's sort order."""

    export = True

    def get_context_data(self, **kwargs):
        # Only the table: no charts, no rounds.
        return super(RegionDashboardView, self).get_context_data(**kwargs)

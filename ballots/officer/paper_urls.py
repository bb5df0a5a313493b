"""URLs of paper batches: enter a batch's counts, a second officer confirms or rejects it.

Included under a ballot's manage pages.
"""

from django.urls import path

from ballots.officer.views.paper_batches import PaperBatchCheckView, PaperBatchesView

urlpatterns = [
    path("", PaperBatchesView.as_view(), name="paper_batches"),
    path("<int:batch_pk>/", PaperBatchCheckView.as_view(), name="paper_batch_check"),
]

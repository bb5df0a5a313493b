"""URLs of printable ballot papers for a ward (PDF); included under a ballot's manage pages."""

from django.urls import path

from ballots.officer.views.ballot_papers import BallotPapersPdfView, BallotPapersView

urlpatterns = [
    path("", BallotPapersView.as_view(), name="ballot_papers"),
    path("ballot-papers.pdf", BallotPapersPdfView.as_view(), name="ballot_papers_pdf"),
]

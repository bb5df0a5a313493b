"""URLs of the ballots app: members' voting pages."""

from django.urls import path

from ballots.voting import receipt_views
from ballots.voting import views as voting_views

urlpatterns = [
    path("vote/", voting_views.vote_start, name="vote_start"),
    path("vote/ballot/", voting_views.vote_paper, name="vote_paper"),
    path("vote/confirm/", voting_views.vote_confirm, name="vote_confirm"),
    path("vote/done/", receipt_views.vote_done, name="vote_done"),
    path("vote/link/", voting_views.vote_link, name="vote_link"),
    path("vote/receipt/", receipt_views.vote_receipt_check, name="vote_receipt"),
]

"""URLs of the ballots app: delivery of voting codes by email (resending, the failures' CSV)."""

from django.urls import path

from ballots.officer.views import voting_codes

manage = "ballots/<int:pk>/manage/"

urlpatterns = [
    path(
        manage + "codes/resend-failed/",
        voting_codes.VotingCodesResendFailedView.as_view(),
        name="codes_resend_failed",
    ),
    path(manage + "codes/not-delivered.csv", voting_codes.DeliveryFailuresCsvView.as_view(), name="codes_failed_csv"),
]

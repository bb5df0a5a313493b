"""URLs of the ballots app: officer pages."""

from django.urls import include, path

from ballots.officer import views
from ballots.officer.views import code_reissue_approval as reissue
from ballots.officer.views import formal_record, reminders

constituency = "constituencies/<int:constituency_pk>/ballots/"
manage = "ballots/<int:pk>/manage/"

urlpatterns = [
    path(constituency, views.BallotListView.as_view(), name="ballot_list"),
    path(constituency + "new/", views.BallotCreateView.as_view(), name="ballot_create"),
    path(manage, views.BallotManageView.as_view(), name="ballot_manage"),
    path(manage + "edit/", views.BallotEditView.as_view(), name="ballot_edit"),
    path(manage + "roll/", views.BallotRollView.as_view(), name="ballot_roll"),
    # Each transition: its confirmation page (GET), then the action itself (POST, confirmed).
    # Opening has a step between: the action shows the ballot's key, and the key entered back opens it.
    path(manage + "open/confirm/", views.BallotOpenConfirmView.as_view(), name="ballot_open_confirm"),
    path(manage + "open/", views.BallotKeyHandoverView.as_view(), name="ballot_open"),
    path(manage + "open/key/", views.BallotOpenWithKeyView.as_view(), name="ballot_open_key"),
    path(manage + "close/confirm/", views.BallotCloseConfirmView.as_view(), name="ballot_close_confirm"),
    path(manage + "close/", views.BallotCloseView.as_view(), name="ballot_close"),
    path(manage + "count/", views.BallotCountView.as_view(), name="ballot_count"),
    path(manage + "declare/confirm/", views.BallotDeclareConfirmView.as_view(), name="ballot_declare_confirm"),
    path(manage + "declare/", views.BallotDeclareView.as_view(), name="ballot_declare"),
    path(manage + "void/", views.BallotVoidView.as_view(), name="ballot_void"),
    path(manage + "codes/", views.BallotCodesView.as_view(), name="ballot_codes"),
    path(manage + "codes/download/", views.VotingCodesDownloadView.as_view(), name="codes_download"),
    path(manage + "codes/email/", views.VotingCodesEmailView.as_view(), name="codes_email"),
    path(manage + "codes/reissue-all/", views.VotingCodesReissueAllView.as_view(), name="codes_reissue_all"),
    # Re-issuing every code of an open ballot: one officer asks, a different one approves.
    path(manage + "codes/reissue-all/ask/", reissue.CodeReissueRequestView.as_view(), name="codes_reissue_ask"),
    path(
        manage + "codes/reissue-all/<int:request_pk>/approve/",
        reissue.CodeReissueApproveView.as_view(),
        name="codes_reissue_approve",
    ),
    path(
        manage + "codes/reissue-all/<int:request_pk>/refuse/",
        reissue.CodeReissueRefuseView.as_view(),
        name="codes_reissue_refuse",
    ),
    path(
        manage + "codes/reissue-all/<int:request_pk>/withdraw/",
        reissue.CodeReissueWithdrawView.as_view(),
        name="codes_reissue_withdraw",
    ),
    path(manage + "codes/<int:entry_pk>/reissue/", views.VotingCodeReissueView.as_view(), name="code_reissue"),
    path(manage + "codes/<int:entry_pk>/send/", views.VotingCodeSendView.as_view(), name="code_send"),
    path(
        manage + "codes/resend-failed/",
        views.VotingCodesResendFailedView.as_view(),
        name="codes_resend_failed",
    ),
    path(manage + "codes/not-delivered.csv", views.DeliveryFailuresCsvView.as_view(), name="codes_failed_csv"),
    path(manage + "codes/letters/", views.LettersView.as_view(), name="letters"),
    path(manage + "codes/letters/new/", views.LetterPackRequestView.as_view(), name="letters_request"),
    path(
        manage + "codes/letters/<int:pack_pk>/download/",
        views.LetterPackDownloadView.as_view(),
        name="letters_download",
    ),
    path(manage + "codes/reminders/", reminders.RemindersView.as_view(), name="reminders"),
    path(manage + "codes/reminders/now/", reminders.ReminderSendNowView.as_view(), name="reminders_send_now"),
    path(manage + "codes/reminders/schedule/", reminders.ReminderScheduleView.as_view(), name="reminders_schedule"),
    path(
        manage + "codes/reminders/<int:reminder_pk>/cancel/",
        reminders.ReminderCancelView.as_view(),
        name="reminders_cancel",
    ),
    path(manage + "affiliates/", views.AffiliateVoteListView.as_view(), name="affiliate_votes"),
    path(
        manage + "affiliates/<int:affiliate_pk>/",
        views.AffiliateVoteRecordView.as_view(),
        name="affiliate_vote_record",
    ),
    # Votes by post, on paper and at branch meetings (issue: channels beside online voting).
    path(manage + "register/", include("ballots.officer.register_urls")),
    path(manage + "paper/", include("ballots.officer.paper_urls")),
    path(manage + "ballot-papers/", include("ballots.officer.ballot_paper_urls")),
    path(manage + "meetings/", include("ballots.officer.meeting_urls")),
    path(manage + "audit/", views.BallotAuditView.as_view(), name="ballot_audit"),
    path(manage + "audit.csv", views.BallotAuditCsvView.as_view(), name="ballot_audit_csv"),
    path(manage + "record/", formal_record.FormalRecordView.as_view(), name="formal_record"),
    path(manage + "record/report.pdf", formal_record.FormalRecordPdfView.as_view(), name="formal_record_pdf"),
    path(manage + "record/declaration.pdf", formal_record.DeclarationPdfView.as_view(), name="declaration_pdf"),
]

"""Officer pages for trigger ballots, by job; every page is for officers of the ballot's constituency
only (anonymous -> log in; anyone else -> 403), and no page writes on GET.

  common.py           BallotOfficerMixin (the ballot behind the one officer-access check), no_store
  ballot_pages.py     list, create, edit, dashboard, roll; open, close, declare
  transitions.py      the confirmation pages of open, close and declare; voiding
  voting_codes.py     the codes page, CSV, email, re-issue
  affiliate_votes.py  affiliates' decisions
  audit.py            the audit log and its CSV
"""

from ballots.officer.views.affiliate_votes import AffiliateVoteListView, AffiliateVoteRecordView
from ballots.officer.views.audit import BallotAuditCsvView, BallotAuditView
from ballots.officer.views.ballot_pages import (
    BallotCloseView,
    BallotCreateView,
    BallotDeclareView,
    BallotEditView,
    BallotListView,
    BallotManageView,
    BallotOpenView,
    BallotRollView,
)
from ballots.officer.views.common import BallotOfficerMixin
from ballots.officer.views.transitions import (
    BallotCloseConfirmView,
    BallotDeclareConfirmView,
    BallotOpenConfirmView,
    BallotVoidView,
)
from ballots.officer.views.voting_codes import (
    BallotCodesView,
    VotingCodeReissueView,
    VotingCodesDownloadView,
    VotingCodesEmailView,
    VotingCodeSendView,
    VotingCodesReissueAllView,
)

__all__ = [
    "AffiliateVoteListView",
    "AffiliateVoteRecordView",
    "BallotAuditCsvView",
    "BallotAuditView",
    "BallotCloseConfirmView",
    "BallotCloseView",
    "BallotCodesView",
    "BallotCreateView",
    "BallotDeclareConfirmView",
    "BallotDeclareView",
    "BallotEditView",
    "BallotListView",
    "BallotManageView",
    "BallotOfficerMixin",
    "BallotOpenConfirmView",
    "BallotOpenView",
    "BallotRollView",
    "BallotVoidView",
    "VotingCodeReissueView",
    "VotingCodeSendView",
    "VotingCodesDownloadView",
    "VotingCodesEmailView",
    "VotingCodesReissueAllView",
]

"""Officer pages for trigger ballots, by job; every page is for officers of the ballot's constituency
only (anonymous -> log in; anyone else -> 403), and no page writes on GET.

  common.py           BallotOfficerMixin (the ballot behind the one officer-access check), no_store
  ballot_pages.py     list, create, edit, dashboard, roll; close, declare
  transitions.py      the confirmation pages of open, close and declare; voiding
  key_handover.py     opening hands over the key: the key's page, then the key entered back opens
                      the ballot; the dashboard with the key's fingerprint
  vote_count.py       the count: the key (or two shares) given, the sealed votes counted
  voting_codes.py     the codes page, CSV, email, delivery failures and resending, re-issue
  letters.py          voting codes by letter: ask for a PDF pack, download it once
  affiliate_votes.py  affiliates' decisions
  audit.py            the audit log and its CSV
  code_reissue_approval.py  re-issuing every code: ask, approve, refuse, withdraw (two officers)
  marked_register.py  the marked register: search, one-click mark, undo with a reason
  paper_batches.py    paper batches: enter a batch, a second officer confirms or rejects it
  ballot_papers.py    printable ballot papers for a ward
  meetings.py         meeting sessions for a ward, and making a browser the meeting's device
  (the last four are routed by their own url modules: register_urls.py, paper_urls.py, ...)
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
    BallotRollView,
)
from ballots.officer.views.common import BallotOfficerMixin
from ballots.officer.views.key_handover import (
    BallotKeyHandoverView,
    BallotOpenWithKeyView,
)
from ballots.officer.views.letters import LetterPackDownloadView, LetterPackRequestView, LettersView
from ballots.officer.views.transitions import (
    BallotCloseConfirmView,
    BallotDeclareConfirmView,
    BallotOpenConfirmView,
    BallotVoidView,
)
from ballots.officer.views.vote_count import BallotCountView
from ballots.officer.views.voting_codes import (
    BallotCodesView,
    DeliveryFailuresCsvView,
    VotingCodeReissueView,
    VotingCodesDownloadView,
    VotingCodesEmailView,
    VotingCodeSendView,
    VotingCodesReissueAllView,
    VotingCodesResendFailedView,
)

__all__ = [
    "AffiliateVoteListView",
    "AffiliateVoteRecordView",
    "BallotAuditCsvView",
    "BallotAuditView",
    "BallotCloseConfirmView",
    "BallotCloseView",
    "BallotCodesView",
    "BallotCountView",
    "BallotCreateView",
    "BallotDeclareConfirmView",
    "BallotDeclareView",
    "BallotEditView",
    "BallotListView",
    "BallotKeyHandoverView",
    "BallotManageView",
    "BallotOfficerMixin",
    "BallotOpenConfirmView",
    "BallotOpenWithKeyView",
    "BallotRollView",
    "BallotVoidView",
    "LetterPackDownloadView",
    "LetterPackRequestView",
    "LettersView",
    "VotingCodeReissueView",
    "VotingCodeSendView",
    "DeliveryFailuresCsvView",
    "VotingCodesDownloadView",
    "VotingCodesEmailView",
    "VotingCodesReissueAllView",
    "VotingCodesResendFailedView",
]

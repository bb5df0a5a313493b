"""Writes of the ballots domain for officers: a ballot's life, voting codes, affiliates' votes.

Every officer action and every change of state is recorded in the audit log. No voting code
is ever written to an audit entry, a log or the database: codes are returned once to the
caller (for the CSV or the email) and only their keyed hash is stored.

A ballot goes draft -> open -> closed -> (counted) -> declared. Each service checks the state it starts
from (re-read under a row lock) and raises `BallotStateError` with words fit for an officer
when it cannot go ahead; permission (officers of the ballot's constituency) is the views' job.

The modules, by job:
  common.py             BallotStateError, the ballot's row lock, its audit record
  ballot_settings.py    BALLOT_FIELDS, the rule sets offered, the checks on a ballot's settings
  ballot_lifecycle.py   create, edit, open (freezing roll and affiliates' sizes), close, declare, void;
                        the same checks without writing, for the confirmation pages
  voting_codes.py       issue and re-issue codes, the personal voting link
  voting_code_email.py  the voting-code email itself
  code_queue.py         codes by email, the officer's side: choose whom to send to, queue them
  code_delivery.py      codes by email, the worker's side: the sending
  code_letters.py       codes by letter: a PDF pack made by the worker, sealed, downloaded once
  letter_pdf.py         the letters drawn as a PDF (one A4 page a member, with a QR code)
  affiliate_votes.py    record or correct an affiliate's decision
  vote_count.py         the count: sealed votes opened with the officer's key, tallied per ward
                        and channel (with the confirmed paper batches), receipts and voted marks
                        shuffled, vote tables rewritten
  code_reissue_approval.py  re-issuing every code of an open ballot: asked by one officer,
                        approved (and carried out), refused or withdrawn by another
  marked_register.py    the marked register: mark a member as voted on paper or at a meeting, undo;
                        its page's reads
  paper_batches.py      paper batches: enter, confirm or reject (two officers), the page's figures
  ballot_paper_pdf.py   printable ballot papers for a ward, identical and serial-free
  meetings.py           meeting sessions: open one for a ward, make a browser its device, close it
  record_pdf.py, formal_record.py  the returning officer's report and the declaration
Everything callers use is importable from `ballots.officer.services`.
"""

from ballots.officer.services.affiliate_votes import affiliate_vote_record
from ballots.officer.services.ballot_lifecycle import (
    VOID_REASON_MAX_LENGTH,
    ballot_close,
    ballot_close_check,
    ballot_close_due,
    ballot_counts_affiliates_by_size,
    ballot_create,
    ballot_declare,
    ballot_declare_check,
    ballot_open,
    ballot_open_check,
    ballot_update,
    ballot_void,
)
from ballots.officer.services.ballot_paper_pdf import ballot_papers_print
from ballots.officer.services.ballot_settings import (
    BALLOT_FIELDS,
    OPTION_FIELDS,
    ballot_settings_errors,
    rule_set_descriptions,
    rule_set_names,
)
from ballots.officer.services.code_delivery import (
    DeliveryReport,
    MailServerUnavailable,
    voting_codes_email_deliver,
)
from ballots.officer.services.code_letters import (
    LetterPackGone,
    letter_pack_build,
    letter_pack_download,
    letter_pack_request,
    letter_packs_expire,
)
from ballots.officer.services.code_queue import (
    voting_code_send,
    voting_codes_email_queue,
    voting_codes_email_reissue_all,
)
from ballots.officer.services.code_reissue_approval import (
    code_reissue_approve,
    code_reissue_refuse,
    code_reissue_request,
    code_reissue_withdraw,
)
from ballots.officer.services.common import BallotStateError
from ballots.officer.services.marked_register import vote_mark, vote_mark_undo
from ballots.officer.services.meetings import meeting_close, meeting_device_make, meeting_open
from ballots.officer.services.paper_batches import paper_batch_confirm, paper_batch_enter, paper_batch_reject
from ballots.officer.services.vote_count import (
    LOST_KEY_ADVICE,
    ballot_count,
    ballot_count_check,
    receipts_shuffle,
    vote_storage_compact,
    vote_storage_compact_pending,
)
from ballots.officer.services.voting_code_email import voting_code_message
from ballots.officer.services.voting_codes import (
    personal_voting_link,
    voting_code_reissue,
    voting_codes_issue,
)

__all__ = [
    "LOST_KEY_ADVICE",
    "ballot_count",
    "ballot_count_check",
    "receipts_shuffle",
    "vote_storage_compact",
    "vote_storage_compact_pending",
    "BALLOT_FIELDS",
    "OPTION_FIELDS",
    "VOID_REASON_MAX_LENGTH",
    "BallotStateError",
    "DeliveryReport",
    "LetterPackGone",
    "letter_pack_build",
    "letter_pack_download",
    "letter_pack_request",
    "letter_packs_expire",
    "MailServerUnavailable",
    "affiliate_vote_record",
    "ballot_close",
    "ballot_close_check",
    "ballot_close_due",
    "ballot_counts_affiliates_by_size",
    "ballot_create",
    "ballot_declare",
    "ballot_declare_check",
    "ballot_open",
    "ballot_open_check",
    "ballot_settings_errors",
    "ballot_update",
    "ballot_void",
    "personal_voting_link",
    "rule_set_descriptions",
    "rule_set_names",
    "voting_code_message",
    "voting_code_reissue",
    "voting_code_send",
    "voting_codes_email_deliver",
    "voting_codes_email_queue",
    "voting_codes_email_reissue_all",
    "voting_codes_issue",
    "ballot_papers_print",
    "code_reissue_approve",
    "code_reissue_refuse",
    "code_reissue_request",
    "code_reissue_withdraw",
    "paper_batch_confirm",
    "paper_batch_enter",
    "paper_batch_reject",
    "meeting_close",
    "meeting_device_make",
    "meeting_open",
    "vote_mark",
    "vote_mark_undo",
]

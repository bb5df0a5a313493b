"""An audit event in plain words: one sentence for each kind of event, made from the details it recorded.

The audit log, its CSV and the returning officer's report all read events through
`audit_sentence`. An event of a kind not listed here, or whose details lack what its sentence
needs (an event recorded by an older version), falls back to its action and details spelled
out, so nothing recorded is ever hidden.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ballots.models import LetterPack
from ballots.officer.audit_words_channels import CHANNEL_SENTENCES
from ballots.officer.services.letter_pdf import uk_time

VOTE_WORDS = {"reselect": "reselect the sitting MP", "open": "hold an open selection", "abstain": "abstain"}
LETTER_SELECTIONS = {value: label[0].lower() + label[1:] for value, label in LetterPack.Selection.choices}
CONSTITUENCY_FIELDS = {"name": "the name", "sitting_mp": "the sitting MP"}
STATUS_WORDS = {"draft": "a draft", "open": "open", "closed": "closed", "declared": "declared"}


def _count(value: Any, noun: str, plural: str | None = None) -> str:
    number = int(value)
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def _members(value: Any) -> str:
    return _count(value, "member")


def _uk_time(text: str) -> str:
    return uk_time(dt.datetime.fromisoformat(text))


def _field_words(name: str) -> str:
    return name.replace("_", " ")


def _opened(d: dict) -> str:
    text = (
        f"Opened the ballot. The roll froze with {_members(d['roll_size'])} and "
        f"{_count(d['affiliates_eligible'], 'affiliated organisation')}."
    )
    if d.get("key"):
        text += f" Votes are sealed to the ballot's key {d['key']}."
    return text


def _closed(how: str) -> Callable[[dict], str]:
    return lambda d: f"{how}: {_members(d['votes_cast'])} of {d['roll_size']:,} had voted."


def _emailed(d: dict) -> str:
    text = f"Sent voting-code emails: {d['sent']:,} sent, {d['failed']:,} failed, {d['still_waiting']:,} still waiting."
    if d.get("failed_membership_numbers"):
        text += f" Failed: {', '.join(d['failed_membership_numbers'])}."
    return text


def _queued(d: dict) -> str:
    text = f"Queued voting-code emails to {_members(d['queued'])}"
    if d.get("resend_failed"):
        text += ", resending those that had failed"
    return text + "."


def _reminder_scheduled(d: dict) -> str:
    if d.get("now"):
        return "Asked for a reminder to be sent now to every member who has not voted."
    return f"Scheduled a reminder to every member who has not voted, for {_uk_time(d['send_at'])}."


REISSUE_HOW_WORDS = {"csv": "to download", "email": "by email"}


def _reissued_in_bulk(d: dict) -> str:
    member = f"member {d['membership_number']}"
    if not d["by_email"]:
        return f"Replaced the voting code of {member} when every code was re-issued: the old code no longer works."
    if d["queued"]:
        return f"Withdrew the voting code of {member} when every code was re-issued, and queued a new one by email."
    return (
        f"Withdrew the voting code of {member} when every code was re-issued; they have no email address, "
        "so a new code must reach them another way."
    )


def _affiliate_corrected(d: dict) -> str:
    return (
        f"Corrected the vote of {d['affiliate']}: from {VOTE_WORDS[d['from_choice']]} to "
        f"{VOTE_WORDS[d['choice']]}; delegate {d['from_delegate_name']} then {d['delegate_name']}."
    )


def _imported(noun: str) -> Callable[[dict], str]:
    def sentence(d: dict) -> str:
        text = (
            f"Imported {noun} from a file of {_count(d['rows'], 'row')}: {d['created']:,} added, "
            f"{d['updated']:,} changed, {d['unchanged']:,} unchanged."
        )
        if d.get("missing_lapsed"):
            text += f" {_members(d['missing_lapsed'])} not in the file marked lapsed."
        return text

    return sentence


SENTENCES: dict[str, Callable[[dict], str]] = {
    "constituency_created": lambda d: f"Added the constituency with {_count(d.get('wards', 0), 'ward')}.",
    "constituency_updated": lambda d: "Corrected the constituency: "
    + "; ".join(f"{CONSTITUENCY_FIELDS[field]} from “{c['from']}” to “{c['to']}”" for field, c in d["changes"].items())
    + ".",
    "round_created": lambda d: f"Set up the round “{d['round']}”: {_count(d['ballots'], 'draft ballot')}.",
    "ballot_created": lambda d: "Created the ballot.",
    "ballot_updated": lambda d: f"Changed the ballot's settings: {', '.join(map(_field_words, d['changes']))}.",
    "ballot_opened": _opened,
    "ballot_closed": _closed("Closed the ballot by hand"),
    "ballot_closed_automatically": _closed("The ballot closed at its closing time"),
    "votes_counted": lambda d: f"Counted the sealed votes with the ballot's key: {_count(d['votes_counted'], 'vote')}.",
    "ballot_declared": lambda d: "Declared the result: it is now public.",
    "ballot_voided": lambda d: f"Voided the ballot, which was {STATUS_WORDS[d['status']]}. Reason: {d['reason']}",
    "voting_codes_issued": lambda d: f"Made voting codes for {_members(d['count'])}.",
    "voting_codes_reissued_all": lambda d: (
        f"Replaced every voting code ({_members(d['count'])}): the old codes no longer work."
    ),
    "voting_code_reissued": lambda d: (
        f"Replaced the voting code of member {d['membership_number']}: the old code no longer works."
    ),
    "voting_code_reissued_in_bulk": _reissued_in_bulk,
    "code_reissue_requested": lambda d: (
        f"Asked a second officer to approve re-issuing every voting code ({REISSUE_HOW_WORDS[d['how']]}). "
        f"Reason: {d['reason']}"
    ),
    "code_reissue_approved": lambda d: (
        f"Approved the request of {d['requested_by']} to re-issue every voting code "
        f"({REISSUE_HOW_WORDS[d['how']]}), and re-issued them."
    ),
    "code_reissue_refused": lambda d: (
        f"Refused the request of {d['requested_by']} to re-issue every voting code. Reason: {d['reason']}"
    ),
    "code_reissue_withdrawn": lambda d: "Withdrew the request to re-issue every voting code.",
    "voting_codes_email_queued": _queued,
    "voting_codes_reissued_all_by_email": lambda d: (
        f"Replaced every voting code and queued new emails to {_members(d['queued'])}; "
        f"{_count(d['codes_withdrawn'], 'old code')} withdrawn."
    ),
    "voting_codes_emailed": _emailed,
    "voting_code_email_bounced": lambda d: (
        f"The mail provider reported the voting-code email to member {d['membership_number']} as undelivered"
        + (f": {d['reason']}." if d.get("reason") else ".")
    ),
    "voting_code_email_reported_as_spam": lambda d: (
        f"Member {d['membership_number']} reported the voting-code email as spam."
    ),
    "letter_pack_requested": lambda d: (
        f"Asked for voting-code letters for {_members(d['members'])}: "
        f"{LETTER_SELECTIONS.get(d['selection'], _field_words(d['selection']))}."
    ),
    "letter_pack_made": lambda d: f"Made the voting-code letters for {_members(d['members'])}.",
    "letter_pack_failed": lambda d: f"The voting-code letters could not be made: {d['reason']}",
    "letter_pack_downloaded": lambda d: f"Downloaded the voting-code letters for {_members(d['members'])}.",
    "letter_pack_expired": lambda d: (
        f"The voting-code letters expired before they were downloaded; "
        f"{_count(d['codes_withdrawn'], 'code')} withdrawn."
    ),
    "code_reminder_scheduled": _reminder_scheduled,
    "code_reminder_cancelled": lambda d: "Cancelled a scheduled reminder.",
    "code_reminder_started": lambda d: (
        f"Started a reminder: fresh codes emailed to {_members(d['queued'])}; "
        f"{_members(d['no_email'])} without an email need a letter."
    ),
    "code_reminder_sent": lambda d: (
        f"Reminder finished: {d['sent']:,} sent, {d['failed']:,} failed, {d['no_email']:,} without an email."
    ),
    "affiliate_vote_recorded": lambda d: (
        f"Recorded the vote of {d['affiliate']}: {VOTE_WORDS[d['choice']]}, delegate {d['delegate_name']}."
    ),
    "affiliate_vote_corrected": _affiliate_corrected,
    "two_factor_enrolled": lambda d: f"{d['officer']} set up an authenticator app for logging in.",
    "two_factor_reset": lambda d: (
        f"Removed the authenticator app of {d['officer']}"
        + (f" ({d['reason']})" if d.get("reason") else "")
        + ": they set up a new one at their next login."
    ),
    "password_reset": lambda d: f"{d['officer']} set a new password through a password-reset email.",
    "members.imported": _imported("members"),
    "affiliates.imported": _imported("affiliated organisations"),
    **CHANNEL_SENTENCES,
}


def audit_action_text(action: str) -> str:
    """An action's identifier spelled out: 'ballot_opened' -> 'Ballot opened'."""
    return action.replace("_", " ").replace(".", ": ").capitalize()


def audit_detail_text(detail: dict) -> str:
    """An event's details as 'name: value; ...' (they never hold a voting code)."""
    if not detail:
        return ""
    return "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in detail.items())


def audit_sentence(action: str, detail: dict | None) -> str:
    """What happened, in a sentence; the action and its details spelled out where no sentence fits."""
    detail = detail if isinstance(detail, dict) else {}
    make = SENTENCES.get(action)
    if make is not None:
        try:
            return make(detail)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # details from another version of the event: spelled out below instead
    details = audit_detail_text(detail)
    return f"{audit_action_text(action)}." + (f" {details}." if details else "")

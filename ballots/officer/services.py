"""Writes of the ballots domain for officers: a ballot's life, voting codes, affiliates' votes.

Every officer action and every change of state is recorded with `members.services.audit_record`.
No voting code is ever written to an audit entry, a log or the database: codes are returned
once to the caller (for the CSV or the email) and only their keyed hash is stored.

A ballot goes draft -> open -> closed -> declared. Each service checks the state it starts
from (re-read under a row lock) and raises `BallotStateError` with words fit for an officer
when it cannot go ahead; permission (officers of the ballot's constituency) is the views' job.
"""

import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ballots import counting
from ballots.voting.codes import code_normalise, voting_code_generate, voting_code_hash
from ballots.models import AffiliateVote, BallotAffiliate, RollEntry, TriggerBallot
from ballots.officer.selectors import ballot_member_rules
from ballots.state import ballot_voting_state
from ballots.voting.services import votes_shuffle
from members.selectors import affiliates_eligible, members_eligible
from members.services import audit_record

logger = logging.getLogger(__name__)

Status = TriggerBallot.Status

BALLOT_FIELDS = (
    "sitting_mp",
    "rules",
    "member_counting",
    "affiliate_counting",
    "tied_branch",
    "freeze_date",
    "min_membership_months",
    "arrears_allowed",
    "affiliate_min_days",
    "opens_at",
    "closes_at",
)


class BallotStateError(Exception):
    """An action refused because of the ballot's state (or the voter's), in plain words."""


# ------------------------------------------------------------------ rule sets and checks


def rule_set_names() -> tuple[str, ...]:
    return tuple(counting.RULE_SETS)


def rule_set_descriptions() -> dict[str, str]:
    return {name: rule_set.description for name, rule_set in counting.RULE_SETS.items()}


def ballot_settings_errors(values: dict) -> dict[str, list[str]]:
    """Problems with a ballot's settings, by field name ('__all__' for the whole form)."""
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    opens_at, closes_at = values.get("opens_at"), values.get("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        add("closes_at", "The closing time must be after the opening time.")
    freeze_date = values.get("freeze_date")
    if freeze_date and opens_at and freeze_date > timezone.localtime(opens_at).date():
        add("freeze_date", "The freeze date cannot be after the day the ballot opens.")
    rules = values.get("rules")
    if rules is not None:
        names = rule_set_names()
        if rules not in names:
            add("rules", f"Choose one of the rule sets: {', '.join(names)}.")
        else:
            options = {
                key: values[key]
                for key in ("member_counting", "affiliate_counting", "tied_branch")
                if values.get(key) is not None
            }
            try:
                counting.get_rule_set(rules).resolve_options(options)
            except counting.CountingError as error:
                add("__all__", f"These options do not fit the rule set: {error}.")
    for name in ("min_membership_months", "affiliate_min_days"):
        value = values.get(name)
        if value is not None and value < 0:
            add(name, "This cannot be negative.")
    return errors


def _check_settings(values: dict) -> None:
    errors = ballot_settings_errors(values)
    if errors:
        raise ValidationError(errors)


def _lock(ballot: TriggerBallot) -> TriggerBallot:
    """The ballot re-read under a row lock (PostgreSQL; SQLite serialises writers anyway)."""
    return TriggerBallot.objects.select_for_update().select_related("constituency").get(pk=ballot.pk)


def _refresh(target: TriggerBallot, source: TriggerBallot) -> None:
    for name in ("status", "opened_at", "closed_at", "declared_at"):
        setattr(target, name, getattr(source, name))


def _audit(*, action, actor, ballot, **detail):
    audit_record(action=action, actor=actor, constituency=ballot.constituency, ballot_id=ballot.pk, detail=detail)


# ----------------------------------------------------------------------- the ballot


@transaction.atomic
def ballot_create(*, actor, constituency, **values) -> TriggerBallot:
    """A draft ballot for `constituency` (values: BALLOT_FIELDS; sitting MP defaults to the constituency's)."""
    fields = {name: values[name] for name in BALLOT_FIELDS if name in values}
    fields.setdefault("sitting_mp", constituency.sitting_mp)
    _check_settings(fields)
    creator = actor if getattr(actor, "pk", None) else None
    ballot = TriggerBallot(constituency=constituency, created_by=creator, **fields)
    ballot.full_clean()
    ballot.save()
    _audit(action="ballot_created", actor=actor, ballot=ballot, **_settings_detail(ballot))
    return ballot


def _settings_detail(ballot) -> dict:
    detail = {}
    for name in BALLOT_FIELDS:
        value = getattr(ballot, name)
        detail[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return detail


@transaction.atomic
def ballot_update(*, actor, ballot: TriggerBallot, **values) -> TriggerBallot:
    """Change a draft ballot's settings; records which fields changed, from what to what."""
    locked = _lock(ballot)
    if locked.status != Status.DRAFT:
        raise BallotStateError("Only a draft ballot can be edited: this one has been opened.")
    before = _settings_detail(locked)
    for name in BALLOT_FIELDS:
        if name in values:
            setattr(locked, name, values[name])
    _check_settings({name: getattr(locked, name) for name in BALLOT_FIELDS})
    locked.full_clean()
    after = _settings_detail(locked)
    changes = {name: {"from": before[name], "to": after[name]} for name in BALLOT_FIELDS if before[name] != after[name]}
    if changes:
        locked.save()
        _audit(action="ballot_updated", actor=actor, ballot=locked, changes=changes)
    for name in BALLOT_FIELDS:
        setattr(ballot, name, getattr(locked, name))
    return ballot


@transaction.atomic
def ballot_open(*, ballot: TriggerBallot, actor=None, now=None) -> TriggerBallot:
    """Open a draft ballot: freeze its rules, settings and roll (members with their ward, now).

    The roll is one RollEntry per eligible member, with the ward and membership number
    copied, and one BallotAffiliate per eligible affiliate: later edits to the membership
    change neither. Two officers pressing "open" at once: the row lock makes the second wait
    and then find the ballot already open.
    """
    now = now or timezone.now()
    locked = _lock(ballot)
    if locked.status != Status.DRAFT:
        raise BallotStateError("This ballot has already been opened.")
    if locked.closes_at <= now:
        raise BallotStateError("The closing time has passed: edit the dates before opening the ballot.")
    _check_settings({name: getattr(locked, name) for name in BALLOT_FIELDS})
    members = members_eligible(constituency=locked.constituency, rules=ballot_member_rules(locked)).values_list(
        "pk", "ward_id", "membership_number"
    )
    RollEntry.objects.bulk_create(
        [
            RollEntry(ballot=locked, member_id=pk, ward_id=ward_id, membership_number=number)
            for pk, ward_id, number in members.iterator(chunk_size=2000)
        ],
        batch_size=1000,
    )
    affiliates = affiliates_eligible(
        constituency=locked.constituency, freeze_date=locked.freeze_date, min_affiliation_days=locked.affiliate_min_days
    ).values_list("pk", "affiliated_members")
    BallotAffiliate.objects.bulk_create(
        [BallotAffiliate(ballot=locked, affiliate_id=pk, affiliated_members=size) for pk, size in affiliates],
        batch_size=1000,
    )
    locked.status = Status.OPEN
    locked.opened_at = now
    locked.save(update_fields=["status", "opened_at"])
    _audit(
        action="ballot_opened",
        actor=actor,
        ballot=locked,
        roll_size=RollEntry.objects.filter(ballot=locked).count(),
        affiliates_eligible=BallotAffiliate.objects.filter(ballot=locked).count(),
        rules=locked.rules,
        options=locked.options,
    )
    _refresh(ballot, locked)
    return ballot


def _close(locked: TriggerBallot, *, actor, now, automatic: bool) -> None:
    locked.status = Status.CLOSED
    locked.closed_at = min(now, locked.closes_at)
    locked.save(update_fields=["status", "closed_at"])
    # Votes were written beside their voters' "voted" marks; rewrite them all at once so that
    # no transaction id or row order pairs a vote with its voter once voting has ended.
    votes_shuffle(ballot=locked)
    _audit(
        action="ballot_closed_automatically" if automatic else "ballot_closed",
        actor=None if automatic else actor,
        ballot=locked,
        votes_cast=RollEntry.objects.filter(ballot=locked, has_voted=True).count(),
        roll_size=RollEntry.objects.filter(ballot=locked).count(),
    )


@transaction.atomic
def ballot_close(*, ballot: TriggerBallot, actor=None, now=None) -> TriggerBallot:
    """Close an open ballot by hand. Votes in flight finish first (they hold the row FOR SHARE)."""
    now = now or timezone.now()
    locked = _lock(ballot)
    if locked.status != Status.OPEN:
        raise BallotStateError(f"Only an open ballot can be closed: this one is {locked.get_status_display().lower()}.")
    _close(locked, actor=actor, now=now, automatic=now >= locked.closes_at)
    _refresh(ballot, locked)
    return ballot


def ballot_close_due(*, now=None) -> int:
    """Close every open ballot whose closing time has passed; return how many were closed."""
    now = now or timezone.now()
    closed = 0
    due = TriggerBallot.objects.filter(status=Status.OPEN, closes_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            locked = TriggerBallot.objects.select_for_update().select_related("constituency").get(pk=pk)
            if locked.status == Status.OPEN and locked.closes_at <= now:
                _close(locked, actor=None, now=now, automatic=True)
                closed += 1
    return closed


@transaction.atomic
def ballot_declare(*, ballot: TriggerBallot, actor=None, now=None) -> TriggerBallot:
    """Declare a closed ballot: its result becomes public. An open ballot past its time closes first."""
    now = now or timezone.now()
    locked = _lock(ballot)
    if locked.status == Status.OPEN and locked.closes_at <= now:
        _close(locked, actor=None, now=now, automatic=True)
    if locked.status != Status.CLOSED:
        if locked.status == Status.DECLARED:
            raise BallotStateError("This ballot has already been declared.")
        raise BallotStateError("Only a closed ballot can be declared: close it first.")
    locked.status = Status.DECLARED
    locked.declared_at = now
    locked.save(update_fields=["status", "declared_at"])
    _audit(action="ballot_declared", actor=actor, ballot=locked)
    _refresh(ballot, locked)
    return ballot


# ---------------------------------------------------------------------- voting codes


def personal_voting_link(*, ballot, membership_number: str, code: str) -> str:
    """The one-time link that carries a member's code; its page stores it and redirects to /vote/."""
    query = urlencode({"ballot": ballot.pk, "member": membership_number, "code": code_normalise(code)})
    return f"{settings.SITE_URL}{reverse('ballots:vote_link')}?{query}"


def _codes_can_be_issued(ballot: TriggerBallot, now) -> None:
    if ballot.status == Status.DRAFT:
        raise BallotStateError("Voting codes are issued once the ballot is open and its roll is frozen.")
    if ballot_voting_state(ballot, now) == "closed":
        raise BallotStateError("Voting has closed: no more codes can be issued.")


def _new_codes(ballot_id: int, entries, now) -> list[tuple[RollEntry, str]]:
    issued = []
    for entry in entries:
        code = voting_code_generate()
        entry.code_hash = voting_code_hash(ballot_id=ballot_id, code=code)
        entry.code_issued_at = now
        issued.append((entry, code))
    _store_hashes([entry for entry, _ in issued], now)
    return issued


def _store_hashes(entries, now) -> None:
    """Write each entry's code hash and issue time: one prepared UPDATE run for every row.

    (bulk_update builds a CASE of every row per batch, which takes seconds for a 2,000-member roll.)
    """
    if not entries:
        return
    table = connection.ops.quote_name(RollEntry._meta.db_table)
    issued_at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET code_hash = %s, code_issued_at = %s WHERE id = %s",  # noqa: S608 - no user input
            [(entry.code_hash, issued_at, entry.pk) for entry in entries],
        )


def _roll_for_codes(ballot, *, reissue_all: bool):
    entries = RollEntry.objects.filter(ballot=ballot, has_voted=False).select_related("member", "ward")
    if not reissue_all:
        entries = entries.filter(code_hash="")
    return entries.order_by("ward__name", "membership_number")


@transaction.atomic
def voting_codes_issue(*, ballot: TriggerBallot, actor=None, reissue_all: bool = False, now=None):
    """Issue codes to every roll entry without one (or, re-issuing, to everyone yet to vote).

    Returns [(roll entry, plain code)], ONCE: only the keyed hash is stored, so the caller must
    hand the codes on (CSV, email) in the same request. Re-issued codes replace the old ones.
    """
    now = now or timezone.now()
    locked = _lock(ballot)
    _codes_can_be_issued(locked, now)
    issued = _new_codes(locked.pk, list(_roll_for_codes(locked, reissue_all=reissue_all)), now)
    _audit(
        action="voting_codes_reissued_all" if reissue_all else "voting_codes_issued",
        actor=actor,
        ballot=locked,
        count=len(issued),
    )
    return issued


@transaction.atomic
def voting_code_reissue(*, roll_entry: RollEntry, actor=None, now=None) -> str:
    """A new code for one member (the old one stops working). Refused once they have voted."""
    now = now or timezone.now()
    ballot = _lock(roll_entry.ballot)
    _codes_can_be_issued(ballot, now)
    entry = RollEntry.objects.select_for_update().get(pk=roll_entry.pk)
    if entry.has_voted:
        raise BallotStateError("This member has already voted: a new code would be of no use.")
    (_, code), = _new_codes(ballot.pk, [entry], now)
    roll_entry.code_hash, roll_entry.code_issued_at = entry.code_hash, entry.code_issued_at
    _audit(action="voting_code_reissued", actor=actor, ballot=ballot, membership_number=entry.membership_number)
    return code


@dataclass
class EmailReport:
    sent: int = 0
    failed: int = 0
    skipped_no_email: int = 0
    remaining: int = 0
    failed_numbers: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.skipped_no_email


def voting_code_message(*, ballot, entry: RollEntry, code: str, connection=None) -> mail.EmailMessage:
    context = {
        "ballot": ballot,
        "member": entry.member,
        "membership_number": entry.membership_number,
        "ward": entry.ward,
        "code": code,
        "link": personal_voting_link(ballot=ballot, membership_number=entry.membership_number, code=code),
        "vote_url": f"{settings.SITE_URL}{reverse('ballots:vote_start')}",
    }
    return mail.EmailMessage(
        subject=f"Your voting code: trigger ballot in {ballot.constituency.name}",
        body=render_to_string("ballots/officer/email/voting_code.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[entry.member.email],
        connection=connection,
    )


def _send(messages, connection, report: EmailReport) -> list:
    """Send each (roll entry, message); count them; return the entries whose message failed."""
    failed = []
    for entry, message in messages:
        try:
            sent = connection.send_messages([message])
        except Exception:  # noqa: BLE001 - any mail failure counts as failed, never aborts the batch
            sent = 0
        if sent:
            report.sent += 1
        else:
            # The message holds a code: log which member, never the message.
            logger.warning("Voting code email to membership number %s failed", entry.membership_number)
            report.failed += 1
            report.failed_numbers.append(entry.membership_number)
            failed.append(entry)
    return failed


def _revoke(ballot, entry_ids=None) -> int:
    """Forget the code of every roll entry yet to vote (or of the given ones): those codes stop working."""
    entries = RollEntry.objects.filter(ballot=ballot, has_voted=False).exclude(code_hash="")
    if entry_ids is not None:
        entries = entries.filter(pk__in=entry_ids)
    return entries.update(code_hash="", code_issued_at=None)


def voting_codes_email(
    *,
    ballot: TriggerBallot,
    actor=None,
    batch_size: int = 200,
    limit: int | None = None,
    reissue_all: bool = False,
    now=None,
) -> EmailReport:
    """Email a fresh code to members on the roll who have none, in batches; return the counts.

    Each batch stores its hashes in one transaction, then sends through one mail connection.
    `limit` caps the messages sent in one call (a web request must finish in time): the report's
    `remaining` says how many members with an email address still wait, and calling again sends
    the next ones. A message that fails has its code withdrawn (it was never delivered), so the
    next call tries that member again. Members without an email address are counted and skipped:
    give them their code from the CSV. `reissue_all` first withdraws every code not yet used,
    so every member yet to vote gets a new one.
    """
    now = now or timezone.now()
    ballot = TriggerBallot.objects.select_related("constituency").get(pk=ballot.pk)
    _codes_can_be_issued(ballot, now)
    revoked = 0
    if reissue_all:
        with transaction.atomic():
            locked = _lock(ballot)
            _codes_can_be_issued(locked, now)
            revoked = _revoke(locked)
    report = EmailReport()
    with_email = []
    for entry in _roll_for_codes(ballot, reissue_all=False):
        if (entry.member.email or "").strip():
            with_email.append(entry)
        else:
            report.skipped_no_email += 1
    if limit is not None:
        report.remaining = max(0, len(with_email) - limit)
        with_email = with_email[:limit]
    connection = mail.get_connection()
    for start in range(0, len(with_email), batch_size):
        batch = with_email[start : start + batch_size]
        with transaction.atomic():
            locked = _lock(ballot)
            _codes_can_be_issued(locked, now)
            # Still waiting? (A CSV download or a vote may have come in between.)
            waiting = set(
                RollEntry.objects.filter(
                    pk__in=[e.pk for e in batch], has_voted=False, code_hash=""
                ).values_list("pk", flat=True)
            )
            issued = _new_codes(ballot.pk, [entry for entry in batch if entry.pk in waiting], now)
        with connection:
            messages = [
                (e, voting_code_message(ballot=ballot, entry=e, code=c, connection=connection)) for e, c in issued
            ]
            failed = _send(messages, connection, report)
        if failed:
            _revoke(ballot, [entry.pk for entry in failed])
            report.remaining += len(failed)
    _audit(
        action="voting_codes_reissued_all_by_email" if reissue_all else "voting_codes_emailed",
        actor=actor,
        ballot=ballot,
        codes_withdrawn=revoked,
        batch_size=batch_size,
        sent=report.sent,
        failed=report.failed,
        skipped_no_email=report.skipped_no_email,
        still_waiting=report.remaining,
        failed_membership_numbers=report.failed_numbers[:100],
    )
    return report


def voting_code_send(*, roll_entry: RollEntry, actor=None, now=None) -> bool:
    """Re-issue one member's code and email it to them; True when the email went."""
    entry = RollEntry.objects.select_related("member", "ward", "ballot__constituency").get(pk=roll_entry.pk)
    if not (entry.member.email or "").strip():
        raise BallotStateError("This member has no email address: re-issue the code and give it to them another way.")
    code = voting_code_reissue(roll_entry=entry, actor=actor, now=now)
    report = EmailReport()
    connection = mail.get_connection()
    with connection:
        message = voting_code_message(ballot=entry.ballot, entry=entry, code=code, connection=connection)
        _send([(entry, message)], connection, report)
    _audit(
        action="voting_code_emailed",
        actor=actor,
        ballot=entry.ballot,
        membership_number=entry.membership_number,
        sent=bool(report.sent),
    )
    return bool(report.sent)


# -------------------------------------------------------------------- affiliates' votes


@transaction.atomic
def affiliate_vote_record(*, ballot, affiliate, choice: str, delegate_name: str, actor=None, now=None) -> AffiliateVote:
    """Record (or correct, until the ballot closes) an eligible affiliate's decision. Audited with old and new."""
    now = now or timezone.now()
    locked = _lock(ballot)
    if locked.status != Status.OPEN or now >= locked.closes_at:
        raise BallotStateError("Affiliates' votes can be recorded only while the ballot is open.")
    if choice not in AffiliateVote.AffiliateChoice.values:
        raise BallotStateError("Choose reselect, open or abstain.")
    delegate_name = " ".join((delegate_name or "").split())
    if not delegate_name:
        raise BallotStateError("Give the name of the delegate who gave the affiliate's decision.")
    affiliate_id = getattr(affiliate, "pk", affiliate)
    if not BallotAffiliate.objects.filter(ballot=locked, affiliate_id=affiliate_id).exists():
        raise BallotStateError("This affiliate is not eligible to vote in this ballot.")
    vote = AffiliateVote.objects.select_for_update().filter(ballot=locked, affiliate_id=affiliate_id).first()
    if vote is None:
        vote = AffiliateVote.objects.create(
            ballot=locked,
            affiliate_id=affiliate_id,
            choice=choice,
            delegate_name=delegate_name,
            recorded_by=actor if getattr(actor, "pk", None) else None,
            recorded_at=now,
        )
        _audit(
            action="affiliate_vote_recorded",
            actor=actor,
            ballot=locked,
            affiliate_id=affiliate_id,
            affiliate=vote.affiliate.name,
            choice=choice,
            delegate_name=delegate_name,
        )
        return vote
    old_choice, old_delegate = vote.choice, vote.delegate_name
    if (old_choice, old_delegate) == (choice, delegate_name):
        return vote
    vote.choice, vote.delegate_name = choice, delegate_name
    vote.recorded_by = actor if getattr(actor, "pk", None) else None
    vote.recorded_at = now
    vote.save(update_fields=["choice", "delegate_name", "recorded_by", "recorded_at"])
    _audit(
        action="affiliate_vote_corrected",
        actor=actor,
        ballot=locked,
        affiliate_id=affiliate_id,
        affiliate=vote.affiliate.name,
        from_choice=old_choice,
        choice=choice,
        from_delegate_name=old_delegate,
        delegate_name=delegate_name,
    )
    return vote

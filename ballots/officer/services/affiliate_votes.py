"""Affiliates' votes: record an eligible affiliate's decision, or correct it until the ballot closes.

Organisations' votes are public, not secret: each is stored with its delegate, who recorded
it and when, and every correction is audited with the old and the new decision.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ballots.models import AffiliateVote, BallotAffiliate, TriggerBallot
from ballots.officer.services.common import (
    Actor,
    BallotStateError,
    Status,
    actor_user,
    ballot_audit_record,
    ballot_lock,
)
from members.models import Affiliate


@transaction.atomic
def affiliate_vote_record(
    *,
    ballot: TriggerBallot,
    affiliate: Affiliate | int,
    choice: str,
    delegate_name: str,
    actor: Actor = None,
    now: dt.datetime | None = None,
) -> AffiliateVote:
    """Record (or correct, until the ballot closes) an eligible affiliate's decision. Audited with old and new."""
    now = now or timezone.now()
    locked = ballot_lock(ballot)
    if locked.status != Status.OPEN or now >= locked.closes_at:
        raise BallotStateError("Affiliates' votes can be recorded only while the ballot is open.")
    if choice not in AffiliateVote.AffiliateChoice.values:
        raise BallotStateError("Choose reselect, open or abstain.")
    delegate_name = " ".join((delegate_name or "").split())
    if not delegate_name:
        raise BallotStateError("Give the name of the delegate who gave the affiliate's decision.")
    affiliate_id = affiliate.pk if isinstance(affiliate, Affiliate) else affiliate
    if not BallotAffiliate.objects.filter(ballot=locked, affiliate_id=affiliate_id).exists():
        raise BallotStateError("This affiliate is not eligible to vote in this ballot.")
    recorder = actor_user(actor)
    vote = AffiliateVote.objects.select_for_update().filter(ballot=locked, affiliate_id=affiliate_id).first()
    if vote is None:
        vote = AffiliateVote.objects.create(
            ballot=locked,
            affiliate_id=affiliate_id,
            choice=choice,
            delegate_name=delegate_name,
            recorded_by=recorder,
            recorded_at=now,
        )
        ballot_audit_record(
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
    vote.recorded_by = recorder
    vote.recorded_at = now
    vote.save(update_fields=["choice", "delegate_name", "recorded_by", "recorded_at"])
    ballot_audit_record(
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

"""Trigger ballots: the ballot, its frozen roll, votes, receipts and the audit trail.

The rule set and its options are choices that the counting registry supplies: the models
name no rule set and copy none of their words.

Secrecy is a property of the schema: `SealedVote` and `VoteReceipt` carry no link to a
member or roll entry, no timestamp and no ordered key (random UUIDs), so nothing stored
ties a vote to a voter. While voting runs, each vote is stored sealed to the ballot's public
key, which nobody on the server can open; the count opens them with the private key the
officer kept, writes one `WardVoteCount` per ward and channel and deletes the sealed votes
(ballots/officer/services/vote_count.py). Paper and meeting votes arrive as counted batches
(`PaperBatch`), figures only, against the members marked on the register.
"""

from ballots.models.ballot import (
    TriggerBallot,
    affiliate_counting_choices,
    member_counting_choices,
    option_choices,
    option_default,
    rule_set_choices,
    tied_branch_choices,
)
from ballots.models.delivery import CodeReminder, LetterPack
from ballots.models.paper import MeetingSession, PaperBatch
from ballots.models.reissue import CodeReissueRequest
from ballots.models.roll import PAPER_CHANNELS, BallotAffiliate, RollEntry, VoteChannel
from ballots.models.round import Round
from ballots.models.votes import AffiliateVote, Choice, SealedVote, VoteReceipt, WardVoteCount

__all__ = [
    "AffiliateVote",
    "BallotAffiliate",
    "Choice",
    "CodeReissueRequest",
    "CodeReminder",
    "LetterPack",
    "MeetingSession",
    "PAPER_CHANNELS",
    "PaperBatch",
    "RollEntry",
    "Round",
    "SealedVote",
    "TriggerBallot",
    "VoteChannel",
    "VoteReceipt",
    "WardVoteCount",
    "affiliate_counting_choices",
    "member_counting_choices",
    "option_choices",
    "option_default",
    "rule_set_choices",
    "tied_branch_choices",
]

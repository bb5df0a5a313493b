"""A round's forecast: drafts from their roll preview, open ballots from their frozen roll, counted ones known.

Each draft ballot becomes a forecast scenario (DESIGN.md, "Forecast scenario"): one branch per
ward with its eligible members (the roll preview's count, under the ballot's own eligibility
rules, :func:`ballots.officer.selectors.ballot_member_rules`), and one affiliate per affiliate
eligible by the ballot's freeze date (as :func:`~ballots.officer.selectors.affiliates_preview`
decides), each with the same assumption or the ballot's override. One query counts every
ward's eligible members for every draft (one conditional count per draft); one reads the
affiliates of every draft's constituency.

The rest of the round (:func:`round_entries`): a ballot whose votes have been counted (closed
and counted, or declared) is a known outcome, counted from its tallies as its results page
counts it; an open ballot, or a closed one not yet counted, is forecast from its frozen roll
(eligible members per ward) and its frozen affiliates, since its votes are sealed. Voided
ballots are left out. Three queries for each of those two groups, whatever their size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q

from ballots import counting
from ballots.models import TriggerBallot
from ballots.officer.selectors import ballot_member_rules
from ballots.results.scenario import ballot_options, ballot_scenario
from ballots.results.selectors import ballot_tallies
from ballots.simulation.round_forecast import KnownOutcome, RoundForecast
from members.models import Affiliate, Ward


@dataclass(frozen=True)
class Assumption:
    """What the forecast assumes for a ballot: turnout and support for reselection, and affiliates."""

    turnout_mean: float
    turnout_sd: float
    support_mean: float
    support_sd: float
    p_reselect: float
    p_open: float
    p_abstain: float


def round_drafts(round_pk: int) -> list[TriggerBallot]:
    """The round's draft ballots, by constituency name."""
    return list(
        TriggerBallot.objects.filter(round_id=round_pk, status=TriggerBallot.Status.DRAFT)
        .select_related("constituency")
        .order_by("constituency__name", "pk")
    )


FORECAST, FROZEN, KNOWN = "forecast", "frozen", "known"


@dataclass(frozen=True)
class RoundEntry:
    """One ballot of the round as the forecast takes it: a draft, an open (frozen) ballot, or a known result."""

    ballot: TriggerBallot
    kind: str  # FORECAST (draft, from its preview), FROZEN (open: from its frozen roll) or KNOWN
    item: dict[str, Any] | KnownOutcome


def round_ballots(round_pk: int) -> list[TriggerBallot]:
    """Every ballot of the round that has not been voided, by constituency name (one query)."""
    return list(
        TriggerBallot.objects.filter(round_id=round_pk, voided_at__isnull=True)
        .select_related("constituency")
        .order_by("constituency__name", "pk")
    )


def forecast_targets(ballots: list[TriggerBallot]) -> list[TriggerBallot]:
    """The ballots that are forecast (drafts, open, closed but not counted): those an officer may override."""
    return [b for b in ballots if b.counted_at is None]


NOTES = {FORECAST: "Draft: forecast from today's roll preview", FROZEN: "Open: forecast from its frozen roll"}


def forecast_rows(
    entries: list[RoundEntry], result: RoundForecast, overrides: Mapping[int, Mapping[str, float]]
) -> list[tuple[TriggerBallot, str, str, str]]:
    """The page's table: each ballot, its chance of open selection, the Monte Carlo error, and where it came from."""
    rows = []
    for entry, f in zip(entries, result.ballots, strict=True):
        if entry.kind == KNOWN:
            words = "Open selection" if f.open_selections else "Reselected"
            rows.append((entry.ballot, f"{words} (known: {f.p_open_selection:.0%})", "None: counted", "Result known"))
            continue
        own = overrides.get(entry.ballot.pk, {})
        source = NOTES[entry.kind] + "".join(
            f"; its own {label} {own[key]:g}"
            for key, label in (("turnout_mean", "turnout"), ("support_mean", "support"))
            if key in own
        )
        rows.append((entry.ballot, f"{f.p_open_selection:.1%}", f"{100 * f.mc_error:.1f} percentage points", source))
    return rows


def _assumed(assumption: Assumption, override: Mapping[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    turnout = {"mean": override.get("turnout_mean", assumption.turnout_mean), "sd": assumption.turnout_sd}
    support = {"mean": override.get("support_mean", assumption.support_mean), "sd": assumption.support_sd}
    return turnout, support


def round_entries(
    ballots: list[TriggerBallot], assumption: Assumption, overrides: Mapping[int, Mapping[str, float]] | None = None
) -> list[RoundEntry]:
    """Every ballot of ``ballots`` as a forecast scenario or a known outcome, in the order given.

    At most eight queries, whatever the number of ballots (two for the drafts, three for the
    open ones, three for the counted ones).
    """
    overrides = overrides or {}
    drafts = [b for b in ballots if b.status == TriggerBallot.Status.DRAFT]
    counted = [b for b in ballots if b.status != TriggerBallot.Status.DRAFT and b.counted_at is not None]
    frozen = [b for b in ballots if b.status != TriggerBallot.Status.DRAFT and b.counted_at is None]
    entries: dict[int, RoundEntry] = {}
    for ballot, item in zip(drafts, draft_scenarios(drafts, assumption, overrides), strict=True):
        entries[ballot.pk] = RoundEntry(ballot, FORECAST, item)
    if frozen:
        tallies = ballot_tallies(frozen, votes=False)
        for ballot in frozen:
            tally = tallies[ballot.pk]
            turnout, support = _assumed(assumption, overrides.get(ballot.pk, {}))
            item = {
                "rules": ballot.rules,
                "options": ballot_options(ballot),
                "branches": [
                    {"name": w.name, "members": w.eligible, "turnout": turnout, "support": support} for w in tally.wards
                ],
                "affiliates": [
                    {
                        "name": a.name,
                        "p_reselect": assumption.p_reselect,
                        "p_open": assumption.p_open,
                        "p_abstain": assumption.p_abstain,
                        "members": 0 if a.members is None else a.members,
                    }
                    for a in tally.affiliates
                ],
            }
            entries[ballot.pk] = RoundEntry(ballot, FROZEN, item)
    if counted:
        tallies = ballot_tallies(counted, turnout=False)
        for ballot in counted:
            result = counting.count(ballot_scenario(ballot, tally=tallies[ballot.pk]))
            entries[ballot.pk] = RoundEntry(ballot, KNOWN, KnownOutcome(open_selection=result.open_selection))
    return [entries[b.pk] for b in ballots]


def draft_scenarios(
    ballots: list[TriggerBallot], assumption: Assumption, overrides: Mapping[int, Mapping[str, float]] | None = None
) -> list[dict[str, Any]]:
    """Each draft's forecast scenario (as a dict), in the order given; two queries in all.

    ``overrides`` maps a ballot's pk to ``turnout_mean`` and/or ``support_mean``.
    """
    if not ballots:
        return []
    overrides = overrides or {}
    constituencies = {b.constituency_id for b in ballots}
    annotations = {
        f"eligible_{b.pk}": Count(
            "members", filter=Q(constituency_id=b.constituency_id) & ballot_member_rules(b).q("members__")
        )
        for b in ballots
    }
    wards = list(
        Ward.objects.filter(constituency_id__in=constituencies)
        .annotate(**annotations)
        .order_by("name")
        .values("constituency_id", "name", *annotations)
    )
    affiliates = list(
        Affiliate.objects.filter(constituency_id__in=constituencies)
        .order_by("name")
        .values("constituency_id", "name", "affiliated_on", "affiliated_members")
    )
    scenarios = []
    for b in ballots:
        turnout, support = _assumed(assumption, overrides.get(b.pk, {}))
        cutoff = b.freeze_date - timedelta(days=b.affiliate_min_days)
        scenarios.append(
            {
                "rules": b.rules,
                "options": b.options,
                "branches": [
                    {"name": w["name"], "members": w[f"eligible_{b.pk}"], "turnout": turnout, "support": support}
                    for w in wards
                    if w["constituency_id"] == b.constituency_id
                ],
                "affiliates": [
                    {
                        "name": a["name"],
                        "p_reselect": assumption.p_reselect,
                        "p_open": assumption.p_open,
                        "p_abstain": assumption.p_abstain,
                        **({"members": a["affiliated_members"]} if a["affiliated_members"] is not None else {}),
                    }
                    for a in affiliates
                    if a["constituency_id"] == b.constituency_id and a["affiliated_on"] <= cutoff
                ],
            }
        )
    return scenarios

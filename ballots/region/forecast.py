"""Building a round's forecast scenarios from its draft ballots, in two queries for any number.

Each draft ballot becomes a forecast scenario (DESIGN.md, "Forecast scenario"): one branch per
ward with its eligible members (the roll preview's count, under the ballot's own eligibility
rules, :func:`ballots.officer.selectors.ballot_member_rules`), and one affiliate per affiliate
eligible by the ballot's freeze date (as :func:`~ballots.officer.selectors.affiliates_preview`
decides), each with the same assumption or the ballot's override. One query counts every
ward's eligible members for every draft (one conditional count per draft); one reads the
affiliates of every draft's constituency. Ballots that are not drafts are left out here: their
roll is frozen and their votes are sealed, so they are not forecast from a preview.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q

from ballots.models import TriggerBallot
from ballots.officer.selectors import ballot_member_rules
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
        override = overrides.get(b.pk, {})
        turnout = {"mean": override.get("turnout_mean", assumption.turnout_mean), "sd": assumption.turnout_sd}
        support = {"mean": override.get("support_mean", assumption.support_mean), "sd": assumption.support_sd}
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

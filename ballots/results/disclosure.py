"""Disclosure of small wards on public results: which wards are withheld, and what else must go with them.

On public pages a ward with at least one but fewer than
``settings.RESULTS_DISCLOSURE_THRESHOLD`` votes has its counts withheld; its branch result
still shows. Withheld counts must not be recoverable from totals, so when any ward is
withheld the member section's per-side vote totals are not published either (only the votes
cast, which turnout shows anyway). When member votes are pooled (``counted_by`` is
``individual``) the open share itself implies the per-side totals, so a single withheld ward
is protected by also withholding the next-smallest ward (complementary suppression): only the
pair's combined split can then be derived. See ``docs/results.md``.
"""

from __future__ import annotations

from django.conf import settings

from ballots import counting
from ballots.results.selectors import WardTally


def disclosure_threshold() -> int:
    return int(getattr(settings, "RESULTS_DISCLOSURE_THRESHOLD", 10))


def members_pooled(result: counting.Result) -> bool:
    """Whether the count pools member votes, so that shares give the member totals away."""
    if counting.MEMBERS not in result.rule_set.sections:
        return False
    return result.section(counting.MEMBERS).counted_by == "individual"


def withheld_ward_ids(wards: list[WardTally], *, threshold: int, individual: bool) -> set[int]:
    """Wards whose counts a public page must not show (see the module docstring)."""
    withheld = {w.ward_id for w in wards if 0 < w.votes < threshold}
    if individual and len(withheld) == 1:
        # The open share gives the pooled member totals: withhold one more ward so that a
        # lone small ward's split cannot be derived by subtraction.
        others = sorted((w for w in wards if w.votes and w.ward_id not in withheld), key=lambda w: (w.votes, w.name))
        if others:
            withheld.add(others[0].ward_id)
    return withheld


def public_sections(sections: list[dict], *, hide_member_votes: bool) -> list[dict]:
    """The result's sections as JSON, without the member section's per-side votes when they are withheld."""
    shown = []
    for section in sections:
        if section["name"] == counting.MEMBERS and hide_member_votes:
            section = {**section, "votes": None, "votes_withheld": True}
        shown.append(section)
    return shown


def public_contributions(contributions: list[dict], *, withheld_names: set[str], pooled: bool) -> list[dict]:
    """Contributions as JSON, without a withheld ward's when pooling makes it proportional to its votes."""
    if not (pooled and withheld_names):
        return contributions
    return [c for c in contributions if not (c["section"] == counting.MEMBERS and c["name"] in withheld_names)]


def disclosure_note(*, threshold: int, withheld: int, pooled: bool) -> str:
    """The sentence a public page shows when ``withheld`` wards' counts are withheld."""
    text = (
        f"To protect the secrecy of the ballot, vote counts are not published for a ward where "
        f"fewer than {threshold} members voted; the branch's result still shows. "
    )
    if pooled and withheld > 1:
        text += (
            "Because member votes are pooled under these rules, the next smallest ward's counts are "
            "withheld as well, so that no single ward's counts can be worked out from the totals. "
        )
    text += (
        "For the same reason the member totals for each side are not published: only the total "
        "number of member votes cast."
    )
    return text

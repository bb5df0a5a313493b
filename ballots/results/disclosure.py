"""Disclosure of small wards on public results: which wards are withheld, and what else must go with them.

On public pages a ward with at least one but fewer than
``settings.RESULTS_DISCLOSURE_THRESHOLD`` votes is withheld: its counts, and with them its
votes cast and turnout (a tied ward of 4 votes is 2-2; a ward of 2 votes whose result is
"reselect" is 2-0), while its branch result still shows, as the rules count branches by it.
Withheld figures must not be recoverable from what is published:

* the member section's per-side vote totals are not published when any ward is withheld
  (the totals minus the wards shown would be the withheld wards' counts);
* the total votes cast are published, so the withheld wards' votes cast are known together;
  when member votes are pooled (``counted_by`` is ``individual``), the open share gives
  their combined per-side split too. More wards are withheld (the smallest first:
  complementary suppression) until, for every withheld ward, what is published fits at least
  two different splits of its votes (`_each_split_ambiguous`), or no ward is left to add.

See ``docs/results.md``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext, ngettext

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
    """Wards whose counts, votes cast and turnout a public page must not show (see the module docstring)."""
    small = [w for w in wards if 0 < w.votes < threshold]
    if not small:
        return set()
    withheld = list(small)
    # A ward nobody voted in shows 0 and 0, and its result says so: withholding it hides nothing.
    others = sorted((w for w in wards if w.votes and w not in small), key=lambda w: (w.votes, w.name))
    while others and not _each_split_ambiguous(withheld, pooled=individual):
        withheld.append(others.pop(0))
    return {w.ward_id for w in withheld}


def _result_of(reselect: int, open_: int) -> str:
    if reselect > open_:
        return counting.RESELECT
    if open_ > reselect:
        return counting.OPEN
    return counting.TIED if reselect else counting.NONE


def _fits(ward: WardTally, reselect: int, open_: int) -> bool:
    """Whether (reselect, open) is a split the published figures allow `ward`: its result, within its roll."""
    return (
        reselect >= 0
        and open_ >= 0
        and reselect + open_ <= ward.eligible
        and _result_of(reselect, open_) == ward.result
    )


# How a ward's split may change by a vote or two (two: one on each side, which keeps a tie).
_MOVES = [(1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, -1)]


def _give_back(dr: int, do: int, *, pooled: bool) -> list[tuple[int, int]]:
    """The changes to another ward that keep the published totals when one ward changes by (dr, do)."""
    if pooled:
        return [(-dr, -do)]  # both sides' totals are known
    total = -(dr + do)  # only the votes cast are known
    return [(r, total - r) for r in range(min(0, total), max(0, total) + 1)]


def _has_other_split(i: int, withheld: list[WardTally], *, pooled: bool) -> bool:
    """Whether what is published of `withheld` fits a split of ward i other than its own.

    Only small changes are tried: ward i alone moving one vote from one side to the other
    (unless pooled: then the sides' totals are known), or a vote or two moving between ward i
    and another withheld ward. Finding none may miss a larger change that fits, so the answer
    errs towards withholding one ward more: never less.
    """
    ward = withheld[i]
    r, o = ward.reselect, ward.open
    if not pooled and (_fits(ward, r + 1, o - 1) or _fits(ward, r - 1, o + 1)):
        return True
    for j, other in enumerate(withheld):
        if j == i:
            continue
        for dr, do in _MOVES:
            if _fits(ward, r + dr, o + do) and any(
                _fits(other, other.reselect + br, other.open + bo) for br, bo in _give_back(dr, do, pooled=pooled)
            ):
                return True
    return False


def _each_split_ambiguous(withheld: list[WardTally], *, pooled: bool) -> bool:
    """Whether, for every ward in `withheld`, the published figures fit a split other than its own.

    Published: each ward's result and roll size, the wards' votes cast together (the total
    minus the wards shown) and, when pooled, their reselect and open votes together.
    """
    return all(
        _has_other_split(i, withheld, pooled=pooled) or _told_by_its_result(ward) for i, ward in enumerate(withheld)
    )


def _told_by_its_result(ward: WardTally) -> bool:
    """Whether the ward's result and roll alone give its split (1 of 1 voted reselect; 1-1 of a roll of 3).

    No amount of withholding counts can hide such a ward's split while its result is published,
    so it asks for no more wards to be withheld (docs/results.md says what this reveals).
    """
    if ward.result == counting.TIED:
        return ward.eligible <= 3
    return ward.result == counting.NONE or ward.eligible <= 1


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


def disclosure_note(*, threshold: int, withheld: int, pooled: bool, small: int | None = None) -> str:
    """The sentence a public page shows when ``withheld`` wards' counts are withheld (``small`` of them for
    having fewer than ``threshold`` votes; the rest so that the totals give none of them away)."""
    small = withheld if small is None else small
    sentences = [
        gettext(
            "To protect the secrecy of the ballot, vote counts, votes cast and turnout are not published for a "
            "ward where fewer than %(threshold)s members voted; the branch's result still shows."
        )
        % {"threshold": threshold}
    ]
    if withheld > small:
        more = withheld - small
        sentences.append(
            ngettext(
                "So that no such ward's counts can be worked out from the totals and the results, the next "
                "smallest ward is withheld as well.",
                "So that no such ward's counts can be worked out from the totals and the results, the next "
                "%(more)s smallest wards are withheld as well.",
                more,
            )
            % {"more": more}
        )
    sentences.append(
        gettext(
            "For the same reason the member totals for each side are not published: only the total number of "
            "member votes cast."
        )
    )
    return " ".join(sentences)

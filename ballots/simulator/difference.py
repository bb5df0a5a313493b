"""What a what-if changed against a ballot's real figures: a mark per edited cell and one sentence.

Rows are matched by name (ignoring case and spaces at the ends), as a reader matches them.
Every mark is text ("real: 30"), never colour alone. The sentence names each change in
words ("3 more open votes in Walmer") and says what the outcome would have been.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ballots import counting

_VOTE_WORDS = {
    counting.RESELECT: "reselect",
    counting.OPEN: "open",
    counting.ABSTAIN: "abstain",
    counting.NONE: "did not vote",
}
_OUTCOME_WORDS = {"reselect": "reselect", "open": "open", "tied": "tied", "none": "no votes"}


def _key(name: str) -> str:
    return name.strip().casefold()


@dataclass
class Difference:
    """Per-row marks (aligned with the rows shown) and the changes in words."""

    branch_marks: list[dict[str, str]] = field(default_factory=list)
    affiliate_marks: list[dict[str, str]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def edited(self) -> int:
        return sum(len(m) for m in self.branch_marks + self.affiliate_marks)


def _votes(n: int, side: str, where: str) -> str:
    more = "more" if n > 0 else "fewer"
    return f"{abs(n)} {more} {side} vote{'' if abs(n) == 1 else 's'} in {where}"


def _branch_marks(row: dict, real: counting.Branch | None, changes: list[str]) -> dict[str, str]:
    name = (row.get("name") or "").strip()
    if real is None:
        changes.append(f"a ward {name} added")
        return {"name": "not in the real result"}
    marks: dict[str, str] = {}
    if real.reselect is None:  # known only by its branch result (counts withheld)
        if row.get("reselect") not in (None, "") or row.get("open") not in (None, ""):
            marks["reselect"] = marks["open"] = "real: withheld"
            changes.append(f"counts given for {name}")
        elif (row.get("outcome") or "") != (real.outcome or ""):
            marks["outcome"] = f"real: {_OUTCOME_WORDS.get(real.outcome or '', real.outcome)}"
            now = _OUTCOME_WORDS.get(row.get("outcome") or "", "counted")
            changes.append(f"{name} {now} instead of {real.outcome}")
        return marks
    for side, real_count in (("reselect", real.reselect), ("open", real.open)):
        value = row.get(side)
        if value in (None, ""):
            marks[side] = f"real: {real_count}"
            changes.append(f"no {side} count for {name}")
            continue
        delta = int(value) - int(real_count or 0)
        if delta:
            marks[side] = f"real: {real_count}"
            changes.append(_votes(delta, side, name))
    if row.get("outcome"):
        marks["outcome"] = "real: from the counts"
        changes.append(f"{name} given as {_OUTCOME_WORDS.get(row['outcome'], row['outcome'])}")
    return marks


def _affiliate_marks(row: dict, real: counting.Affiliate | None, changes: list[str]) -> dict[str, str]:
    name = (row.get("name") or "").strip()
    if real is None:
        changes.append(f"an affiliate {name} added")
        return {"name": "not in the real result"}
    marks: dict[str, str] = {}
    vote = row.get("vote") or counting.NONE
    if vote != real.vote:
        marks["vote"] = f"real: {_VOTE_WORDS[real.vote]}"
        if vote == counting.NONE:
            changes.append(f"{name} not voting instead of voting {_VOTE_WORDS[real.vote]}")
        else:
            changes.append(f"{name} voting {_VOTE_WORDS.get(vote, vote)} instead of {_VOTE_WORDS[real.vote]}")
    members = row.get("members")
    real_members = real.members or 0
    if members not in (None, "") and int(members) != real_members:
        marks["members"] = f"real: {real_members:,}"
        changes.append(f"{name} with {int(members):,} members instead of {real_members:,}")
    return marks


def whatif_difference(
    *, real: counting.Scenario, branch_rows: list[dict], affiliate_rows: list[dict], rules: str, options: dict
) -> Difference:
    """The marks and changes of the rows shown (``raw_rows`` of the formsets) against ``real``."""
    difference = Difference()
    real_branches = {_key(b.name): b for b in real.branches}
    real_affiliates = {_key(a.name): a for a in real.affiliates}
    seen_b, seen_a = set(), set()
    for row in branch_rows:
        key = _key(row.get("name") or "")
        if not key:
            difference.branch_marks.append({})
            continue
        seen_b.add(key)
        difference.branch_marks.append(_branch_marks(row, real_branches.get(key), difference.changes))
    for row in affiliate_rows:
        key = _key(row.get("name") or "")
        if not key:
            difference.affiliate_marks.append({})
            continue
        seen_a.add(key)
        difference.affiliate_marks.append(_affiliate_marks(row, real_affiliates.get(key), difference.changes))
    difference.changes += [f"{b.name} removed" for k, b in real_branches.items() if k not in seen_b]
    difference.changes += [f"{a.name} removed" for k, a in real_affiliates.items() if k not in seen_a]
    if rules and rules != real.rules:
        difference.changes.append(
            f"counted under {counting.get_rule_set(rules).title} instead of {counting.get_rule_set(real.rules).title}"
        )
    else:
        rule_set = counting.get_rule_set(real.rules)
        for option in rule_set.options:
            chosen = options.get(option.name) or option.default
            was = real.options.get(option.name) or option.default
            if chosen != was:
                difference.changes.append(
                    f"{option.label.lower()}: {option.choice_label(chosen)} instead of {option.choice_label(was)}"
                )
    return difference


def _listed(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def outcome_change_sentence(*, changes: list[str], real_open: bool, new_open: bool | None) -> str:
    """One sentence: the changes and what the seat would have done ("with 3 more open votes ...")."""
    if not changes:
        return "These are the ballot's real figures: edit any of them and recount to see what would have changed."
    listed = _listed(changes[:6]) + (f" and {len(changes) - 6} other changes" if len(changes) > 6 else "")
    if new_open is None:
        return f"With {listed} the scenario cannot be counted."
    if new_open == real_open:
        kept = "open selection" if real_open else "the MP reselected"
        return f"With {listed} the result would have been the same: {kept}."
    became = "the seat would have gone to open selection" if new_open else "the MP would have been reselected"
    return f"With {listed} {became}."

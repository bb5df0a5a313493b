"""Counting many trials at once: :class:`~ballots.counting.Counts` of arrays, and pivotal entries.

Every trial's tallies are built as int64 arrays (one value per trial) and handed to the
rule set's own ``decide`` and ``forecast_share``: the very functions the exact count uses,
in integer arithmetic, so no float ever decides a tie. The trial-by-trial path through
:func:`counting.count` is kept only as the baseline that ``bench/`` compares with.

*Pivotal*, under the scenario's own rule set and options, in a trial:

* a **branch** is pivotal when reversing its majority would flip the result: its reselect
  and open counts swapped, so that a branch for reselection counts for open instead, or the
  other way round (and the pooled member votes move with it). A tied branch, or one in which
  nobody voted, is pivotal when counting it for either side would flip the result; its
  votes stay as they are, so where members are counted one by one it is never pivotal.
* an **affiliate** is pivotal when switching its vote between reselect and open would flip
  the result; one that abstained (or did not vote) is pivotal when voting either way would.

Every change updates every field of :class:`Counts` it touches (a branch's class and its
votes, an affiliate's vote and its affiliated members), so the answer holds whichever fields
a rule set's decision reads; no rule set is special here. Changes that do not depend on the
entry (a tied branch counted for open, say) are decided once per chunk; affiliates of the
same size share one table.

*Which fields a decision reads* (:func:`fields_read`) is found once per rule set and options
by handing ``decide`` a recorder in place of :class:`Counts`: a decision written as the
contract says (integer arithmetic, never ``if`` on a count) reads the same fields whatever
the values. Where it does not read the pooled member votes, reversing any branch is one of
two changes (reselect to open, open to reselect), decided once per chunk; where it does not
read affiliated members, every affiliate shares one table. That turns some 140 decisions a
chunk into about ten. Where no decision or share of a forecast reads the pooled member votes,
the trials draw only each branch's majority (:func:`.sampling.branch_majorities`), and a
round forecast tallies only the fields its decision reads (:func:`counts_from_trials`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np

from ballots import counting
from ballots.counting import OPEN, RESELECT, Affiliate, Branch, CountingError, Counts, Scenario
from ballots.simulation.sampling import VOTE_NAMES, ForecastScenario, Trials

# (open selection per trial, the rule set's share per trial as floats, or None when not asked for)
Decision = tuple[np.ndarray, np.ndarray | None]


_reads_cache: dict[tuple[str, int, bool, tuple[tuple[str, str], ...]], frozenset[str]] = {}
VOTE_FIELDS = frozenset({"v_reselect", "v_open"})  # the pooled member votes, not branch classes
_ALL_FIELDS = frozenset(Counts.__dataclass_fields__)


class _Recorder:
    """Stands in for :class:`Counts`, noting every field a decision reads."""

    def __init__(self) -> None:
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> np.ndarray:
        if name not in _ALL_FIELDS:
            raise AttributeError(name)
        self.read.add(name)
        return np.ones(1, dtype=np.int64)


def fields_read(rules: str, options: Mapping[str, str], *, share: bool = False) -> frozenset[str]:
    """The fields of :class:`Counts` that the rule set's decision (and its share) reads.

    With ``share``, the fields its ``forecast_share`` reads are included. Every field, to be
    safe, if either does not accept the recorder.
    """
    rule_set = counting.get_rule_set(rules)
    key = (rules, id(rule_set), share, tuple(sorted(options.items())))
    found = _reads_cache.get(key)
    if found is None:
        recorder = _Recorder()
        try:
            rule_set.decide(recorder, options)  # type: ignore[arg-type]
            if share:
                rule_set.forecast_share(recorder, options)  # type: ignore[arg-type]
            found = frozenset(recorder.read)
        except Exception:  # noqa: BLE001 - any failure means: assume it reads everything
            found = _ALL_FIELDS
        if len(_reads_cache) > 256:
            _reads_cache.clear()
        _reads_cache[key] = found
    return found


def _affiliate_members(fs: ForecastScenario) -> np.ndarray:
    return np.array([a.members or 0 for a in fs.affiliates], dtype=np.int64)


def counts_from_trials(fs: ForecastScenario, trials: Trials, fields: frozenset[str] = _ALL_FIELDS) -> Counts:
    """Every trial's tallies, as int64 arrays with one value per trial.

    Only ``fields`` are tallied (a decision's :func:`fields_read`, where nothing else reads
    them); the others are zeros.
    """
    r, o, v = trials.reselect, trials.open, trials.votes
    is_r, is_o = v == 0, v == 1  # shared by the affiliates' units and their members
    members = _affiliate_members(fs)
    tally: dict[str, Callable[[], np.ndarray]] = {
        "n_reselect": lambda: (r > o).sum(axis=1),
        "n_open": lambda: (o > r).sum(axis=1),
        "n_tied": lambda: ((r == o) & (r > 0)).sum(axis=1),
        "v_reselect": lambda: r.sum(axis=1),
        "v_open": lambda: o.sum(axis=1),
        "a_reselect": lambda: is_r.sum(axis=1),
        "a_open": lambda: is_o.sum(axis=1),
        "m_reselect": lambda: is_r.astype(np.int64) @ members,
        "m_open": lambda: is_o.astype(np.int64) @ members,
    }
    zeros = np.zeros(len(trials), dtype=np.int64)
    return Counts(**{name: count() if name in fields else zeros for name, count in tally.items()})


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros(np.shape(num), dtype=float)
    np.divide(num, den, out=out, where=den > 0)
    return out


def decide_trials(rules: str, counts: Counts, options: Mapping[str, str], *, share: bool = True) -> Decision:
    """Every trial's outcome (and the rule set's share as floats) from counts of arrays."""
    rule_set = counting.get_rule_set(rules)
    n = np.shape(counts.n_open)
    outcome = np.broadcast_to(np.asarray(rule_set.decide(counts, options), dtype=bool), n)
    if not share:
        return outcome, None
    num, den = rule_set.forecast_share(counts, options)
    return outcome, np.broadcast_to(_ratio(np.asarray(num), np.asarray(den)), n)


def trial_scenario(
    fs: ForecastScenario, trials: Trials, t: int, rules: str | None = None, options: Mapping[str, str] | None = None
) -> Scenario:
    """Trial ``t`` as an ordinary scenario, for counting.count."""
    branches = []
    for j, b in enumerate(fs.branches):
        if b.known and b.reselect is None:
            branches.append(Branch(name=b.name, outcome=b.outcome))
        else:
            branches.append(Branch(name=b.name, reselect=int(trials.reselect[t, j]), open=int(trials.open[t, j])))
    affiliates = tuple(
        Affiliate(name=a.name, vote=VOTE_NAMES[int(trials.votes[t, i])], members=a.members)
        for i, a in enumerate(fs.affiliates)
    )
    return Scenario(
        branches=tuple(branches),
        affiliates=affiliates,
        rules=rules or fs.rules,
        options=fs.options if options is None else options,
    )


def count_trials(
    fs: ForecastScenario,
    trials: Trials,
    rules: str,
    options: Mapping[str, str],
    *,
    vectorised: bool = True,
    agg: Counts | None = None,
    share: bool = True,
) -> Decision:
    """Every trial's outcome (and share) under one rule set and its applied options.

    ``vectorised=False`` counts trial by trial through :func:`counting.count`: the baseline.
    """
    if vectorised:
        return decide_trials(rules, agg if agg is not None else counts_from_trials(fs, trials), options, share=share)
    rule_set = counting.get_rule_set(rules)
    n = len(trials)
    outcome = np.zeros(n, dtype=bool)
    shares = np.zeros(n, dtype=float)
    for t in range(n):
        scenario = trial_scenario(fs, trials, t, rules, options)
        result = counting.count(scenario)
        outcome[t] = result.open_selection
        if result.open_share is not None:
            shares[t] = float(result.open_share)
        else:
            num, den = rule_set.forecast_share(counting.counts_from_scenario(scenario), result.options)
            shares[t] = num / den if den else 0.0
    return outcome, shares if share else None


def pivotal(
    fs: ForecastScenario,
    trials: Trials,
    agg: Counts,
    rules: str,
    options: Mapping[str, str],
    base: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """How many trials each branch, and each affiliate, was pivotal in (see the docstring).

    Each change updates every field of :class:`Counts` it touches (a branch's class and its
    votes; an affiliate's vote and its members), so the answer holds whatever fields the
    rule set's decision reads.
    """
    one = np.int64(1)
    r, o, v = trials.reselect, trials.open, trials.votes

    def flips(changed: Counts) -> np.ndarray:
        flipped: np.ndarray = decide_trials(rules, changed, options, share=False)[0] != base
        return flipped

    nr, no, nt = agg.n_reselect, agg.n_open, agg.n_tied
    # A tied branch, or one with no votes, counted for one side: its votes stay as they are.
    tied_up = flips(replace(agg, n_tied=nt - one, n_open=no + one))
    tied_down = flips(replace(agg, n_tied=nt - one, n_reselect=nr + one))
    empty_either = flips(replace(agg, n_open=no + one)) | flips(replace(agg, n_reselect=nr + one))
    reads = fields_read(rules, options)
    branch_counts = np.zeros(len(fs.branches), dtype=np.int64)
    votes_read = bool(reads & {"v_reselect", "v_open"})
    if not votes_read:
        # Only the classes move: every branch for reselection makes the same change.
        reselect_reversed = flips(replace(agg, n_reselect=nr - one, n_open=no + one))
        open_reversed = flips(replace(agg, n_reselect=nr + one, n_open=no - one))
    for j in range(len(fs.branches)):
        rj, oj = r[:, j], o[:, j]
        is_r, is_o = rj > oj, oj > rj
        other = np.where(rj > 0, tied_up | tied_down, empty_either)
        if votes_read:
            # Reversing a branch's majority swaps its counts: its class and the pooled votes move.
            swapped = replace(
                agg,
                n_reselect=nr - is_r + is_o,
                n_open=no - is_o + is_r,
                v_reselect=agg.v_reselect - rj + oj,
                v_open=agg.v_open - oj + rj,
            )
            reversed_flips = flips(swapped)
        else:
            reversed_flips = np.where(is_r, reselect_reversed, open_reversed)
        branch_counts[j] = np.count_nonzero(np.where(is_r | is_o, reversed_flips, other))

    members = _affiliate_members(fs)
    if not reads & {"m_reselect", "m_open"}:
        members = np.zeros_like(members)  # sizes not read: every affiliate shares one table
    affiliate_counts = np.zeros(len(fs.affiliates), dtype=np.int64)
    ar, ao, mr, mo = agg.a_reselect, agg.a_open, agg.m_reselect, agg.m_open
    # Affiliates of the same size are interchangeable: one table of changes per size.
    for m in np.unique(members):
        up_from_r = flips(replace(agg, a_reselect=ar - one, a_open=ao + one, m_reselect=mr - m, m_open=mo + m))
        down_from_o = flips(replace(agg, a_open=ao - one, a_reselect=ar + one, m_open=mo - m, m_reselect=mr + m))
        either = flips(replace(agg, a_open=ao + one, m_open=mo + m)) | flips(
            replace(agg, a_reselect=ar + one, m_reselect=mr + m)
        )
        # Vote codes: 0 reselect, 1 open, 2 abstain, 3 did not vote.
        table = np.stack([up_from_r, down_from_o, either, either], axis=1)
        same_size = np.flatnonzero(members == m)
        codes = v[:, same_size].astype(np.intp)
        affiliate_counts[same_size] = np.take_along_axis(table, codes, axis=1).sum(axis=0, dtype=np.int64)
    return branch_counts, affiliate_counts


def pivotal_one_by_one(
    fs: ForecastScenario, trials: Trials, rules: str, options: Mapping[str, str], base: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The same as :func:`pivotal`, trial by trial through :func:`counting.count` (the baseline)."""
    branch_counts = np.zeros(len(fs.branches), dtype=np.int64)
    affiliate_counts = np.zeros(len(fs.affiliates), dtype=np.int64)
    for t in range(len(trials)):
        scenario = trial_scenario(fs, trials, t, rules, options)
        for j, b in enumerate(scenario.branches):
            if b.has_counts and b.result in (RESELECT, OPEN):
                alternatives = [Branch(name=b.name, reselect=b.open, open=b.reselect)]
            else:
                result = b.result
                alternatives = [Branch(name=b.name, outcome=side) for side in (RESELECT, OPEN) if side != result]
            for alternative in alternatives:
                branches = scenario.branches[:j] + (alternative,) + scenario.branches[j + 1 :]
                if _open_selection(replace(scenario, branches=branches)) not in (None, base[t]):
                    branch_counts[j] += 1
                    break
        for i, a in enumerate(scenario.affiliates):
            for side in (RESELECT, OPEN):
                if side == a.vote:
                    continue
                changed = Affiliate(name=a.name, vote=side, members=a.members)
                affiliates = scenario.affiliates[:i] + (changed,) + scenario.affiliates[i + 1 :]
                if counting.count(replace(scenario, affiliates=affiliates)).open_selection != base[t]:
                    affiliate_counts[i] += 1
                    break
    return branch_counts, affiliate_counts


def _open_selection(scenario: Scenario) -> bool | None:
    """The outcome, or None where the rule set cannot count a branch known only by its outcome."""
    try:
        return counting.count(scenario).open_selection
    except CountingError:
        return None

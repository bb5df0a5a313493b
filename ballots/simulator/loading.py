"""Who may load which ballot into the simulator, and what they get.

* An officer of the ballot's constituency: its wards and affiliates, and after the close
  its real tallies (every count), for the what-if; its roll for a forecast.
* Anyone else, once the ballot is declared: the what-if loaded with what the public results
  show, never a withheld ward's counts (:func:`ballot_public_whatif`).
* Anyone else before the declaration: the login page, or 403 for another constituency's
  officer (nothing about an undeclared ballot is public).

A forecast remembers what it started from (:func:`ballot_origin`, :func:`posted_origin`), so
its page can say where each assumption came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from ballots import counting
from ballots.models import TriggerBallot
from ballots.simulator.assumptions import ORIGINS, Origin
from ballots.simulator.difference import outcome_change_sentence, whatif_difference
from ballots.simulator.forms import raw_rows
from ballots.simulator.selectors import (
    ballot_forecast,
    ballot_public_whatif,
    ballot_tallied,
    ballot_whatif,
    demo_forecast,
)
from members.access import OfficerAccessRefused, officer_access_check
from members.selectors import officer_runs_constituency, user_is_officer


@dataclass(frozen=True)
class LoadedBallot:
    """A ballot loaded into the what-if: the scenario shown, and the real figures if it has any."""

    ballot: TriggerBallot
    scenario: counting.Scenario
    note: str
    public: bool

    @property
    def tallied(self) -> bool:
        return ballot_tallied(self.ballot)

    @property
    def real(self) -> counting.Scenario | None:
        """The real figures edits are marked against (None before the count: there are none)."""
        return self.scenario if self.tallied else None


def ballot_pk(value: str | None) -> int | None:
    """The ``ballot`` parameter as a key: None when absent, 0 (no such ballot) when not a number."""
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return 0


def officer_ballot(request, pk) -> TriggerBallot | HttpResponse:
    """The ballot if the user is one of its constituency's officers; else the login page or 403."""
    refusal = officer_access_check(request)
    if refusal is not None:
        return refusal
    ballot = get_object_or_404(TriggerBallot.objects.select_related("constituency"), pk=pk)
    officer_access_check(request, constituency=ballot.constituency)
    return ballot


def whatif_ballot(request, pk) -> LoadedBallot | HttpResponse:
    """The ballot as this user may load it into the what-if (see the module docstring)."""
    ballot = get_object_or_404(TriggerBallot.objects.select_related("constituency"), pk=pk)
    user = request.user
    runs_it = user_is_officer(user) and officer_runs_constituency(user, ballot.constituency)
    if not runs_it and ballot.status == TriggerBallot.Status.DECLARED:
        scenario, note = ballot_public_whatif(ballot)
        return LoadedBallot(ballot=ballot, scenario=scenario, note=note, public=True)
    checked = officer_ballot(request, pk)
    if isinstance(checked, HttpResponse):
        return checked
    scenario, note = ballot_whatif(checked)
    return LoadedBallot(ballot=checked, scenario=scenario, note=note, public=False)


def loaded_context(loaded: LoadedBallot) -> dict:
    ballot = loaded.ballot
    status = ballot.get_status_display().lower()
    shown = "as its public results show it" if loaded.public else "every count"
    return {
        "source": f"ballot {ballot.pk}: {ballot.sitting_mp}, {ballot.constituency.name} ({status}; {shown})",
        "unknown_size_note": loaded.note,
        "ballot_tallied": loaded.tallied,
        "loaded_ballot": ballot,
        "loaded": loaded,
    }


def posted_ballot(request) -> LoadedBallot | None:
    """The ballot a posted what-if started from (its hidden field), checked again; None if not allowed."""
    pk = ballot_pk(request.POST.get("ballot"))
    if not pk:
        return None
    try:
        loaded = whatif_ballot(request, pk)
    except (Http404, OfficerAccessRefused):
        return None
    return None if isinstance(loaded, HttpResponse) else loaded


def marked_rows(context: dict, settings_form, branches, affiliates) -> dict:
    """Each row with its marks against the real figures, and the sentence of what changed."""
    loaded = context.get("loaded")
    real = loaded.real if loaded is not None else None
    branch_rows, affiliate_rows = raw_rows(branches), raw_rows(affiliates)
    if real is None:
        return {
            "branch_rows": [(form, {}) for form in branches.forms],
            "affiliate_rows": [(form, {}) for form in affiliates.forms],
        }
    rules = settings_form["rules"].value() or real.rules
    options = {name: settings_form[name].value() for name in settings_form.option_names}
    difference = whatif_difference(
        real=real, branch_rows=branch_rows, affiliate_rows=affiliate_rows, rules=rules, options=options
    )
    try:
        real_open = counting.count(real).open_selection
    except counting.CountingError:  # e.g. pooled member votes with withheld wards: no sentence
        real_open = None
    result = context.get("result")
    sentence = None
    if real_open is not None:
        sentence = outcome_change_sentence(
            changes=difference.changes, real_open=real_open, new_open=None if result is None else result.open_selection
        )
    return {
        "branch_rows": list(zip(branches.forms, difference.branch_marks, strict=True)),
        "affiliate_rows": list(zip(affiliates.forms, difference.affiliate_marks, strict=True)),
        "difference": difference,
        "difference_sentence": sentence,
    }


def ballot_origin(ballot: TriggerBallot) -> Origin:
    """A forecast started from this ballot's roll (the caller has checked the officer)."""
    draft = ballot.status == TriggerBallot.Status.DRAFT
    roll = "as it would be if the ballot opened now" if draft else "as frozen when the ballot opened"
    return Origin(
        kind="ballot",
        start=ballot_forecast(ballot),
        ballot_words=f"ballot {ballot.pk} ({ballot.constituency.name})",
        roll_words=roll,
    )


def posted_origin(request) -> tuple[Origin, int | None]:
    """What a posted forecast started from (its hidden fields), the ballot checked again: a
    ballot the user may no longer load counts as figures entered on the page."""
    kind = request.POST.get("origin")
    if kind == "ballot":
        pk = ballot_pk(request.POST.get("ballot"))
        try:
            ballot = officer_ballot(request, pk) if pk else None
        except (Http404, OfficerAccessRefused):
            ballot = None
        if isinstance(ballot, TriggerBallot):
            return ballot_origin(ballot), ballot.pk
        return Origin(kind="entered"), None
    if kind == "demo":
        return Origin(kind="demo", start=demo_forecast()), None
    return Origin(kind=kind if kind in ORIGINS else "entered"), None

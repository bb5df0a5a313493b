"""The round forecast's form: one assumption for every draft ballot, trials and seed.

Probabilities are in [0, 1] and the affiliates' three must sum to 1; trials are bounded as on
the simulator's forecast page (ballots/simulator/forms.py). The officer may override the
expected turnout and support for chosen ballots: one optional pair of fields per ballot that is
forecast (``turnout_<pk>``, ``support_<pk>``), left blank to take the assumption for all.
"""

from django import forms

from ballots.region.forecast import Assumption
from ballots.simulator.forms import MAX_WEB_TRIALS

MAX_ROUND_TRIALS = min(MAX_WEB_TRIALS, 20_000)


def _share(label, initial, help_text=""):
    return forms.FloatField(label=label, min_value=0, max_value=1, initial=initial, help_text=help_text)


class RoundForecastForm(forms.Form):
    turnout_mean = _share("Expected turnout", 0.4, "A fraction from 0 to 1: 0.4 is 40%.")
    turnout_sd = _share("Uncertainty of turnout (standard deviation)", 0.05)
    support_mean = _share("Expected support for reselection among voters", 0.5)
    support_sd = _share("Uncertainty of support (standard deviation)", 0.1)
    p_reselect = _share("Chance an affiliate votes for reselection", 0.45)
    p_open = _share("Chance an affiliate votes for open selection", 0.45)
    p_abstain = _share("Chance an affiliate abstains", 0.1)
    trials = forms.IntegerField(
        label="Trials",
        min_value=100,
        max_value=MAX_ROUND_TRIALS,
        initial=10_000,
        help_text=f"From 100 to {MAX_ROUND_TRIALS:,}.",
    )
    seed = forms.IntegerField(
        label="Seed", min_value=0, max_value=2**32 - 1, initial=1, help_text="The same seed gives the same numbers."
    )

    def __init__(self, *args, ballots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.main_fields = [self[name] for name in self.fields]
        self.override_rows = []
        for ballot in ballots:
            name = ballot.constituency.name
            for key, what in (("turnout", "Expected turnout"), ("support", "Expected support for reselection")):
                self.fields[f"{key}_{ballot.pk}"] = forms.FloatField(
                    label=f"{what} in {name}",
                    min_value=0,
                    max_value=1,
                    required=False,
                    help_text="Leave blank to use the figure above.",
                )
            self.override_rows.append((ballot, self[f"turnout_{ballot.pk}"], self[f"support_{ballot.pk}"]))

    def overrides(self) -> dict[int, dict[str, float]]:
        """Each overridden ballot's pk, with the figures given for it (blank ones left out)."""
        found: dict[int, dict[str, float]] = {}
        for ballot, *_ in self.override_rows:
            for key in ("turnout", "support"):
                value = self.cleaned_data.get(f"{key}_{ballot.pk}")
                if value is not None:
                    found.setdefault(ballot.pk, {})[f"{key}_mean"] = value
        return found

    def clean(self):
        data = super().clean() or {}
        parts = [data.get(k) for k in ("p_reselect", "p_open", "p_abstain")]
        if all(p is not None for p in parts) and abs(sum(float(p) for p in parts if p is not None) - 1) > 1e-9:
            raise forms.ValidationError("The affiliates' three chances must add up to 1.")
        return data

    def assumption(self) -> Assumption:
        d = self.cleaned_data
        return Assumption(
            d["turnout_mean"],
            d["turnout_sd"],
            d["support_mean"],
            d["support_sd"],
            d["p_reselect"],
            d["p_open"],
            d["p_abstain"],
        )

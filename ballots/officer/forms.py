"""Officer forms for ballots: settings, affiliates' decisions, finding a member on the roll.

Opening and closing times are typed in UK time: Django reads a naive datetime in the current
time zone (Europe/London, with USE_TZ), so 14:00 in July is 13:00 UTC and 14:00 in January is
14:00 UTC.
"""

from django import forms

from ballots import counting
from ballots.models import AffiliateVote, TriggerBallot
from ballots.officer.services import BALLOT_FIELDS, OPTION_FIELDS, ballot_settings_errors

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class BallotForm(forms.ModelForm):
    rules = forms.ChoiceField(label="Rule set", widget=forms.RadioSelect)

    class Meta:
        model = TriggerBallot
        fields = BALLOT_FIELDS
        labels = {
            "sitting_mp": "Sitting MP",
            "freeze_date": "Freeze date",
            "min_membership_months": "Months of continuous membership needed at the freeze date",
            "arrears_allowed": "Members in arrears may vote",
            "affiliate_min_days": "Days an affiliate must have been affiliated before the freeze date",
            "opens_at": "Voting opens (UK time)",
            "closes_at": "Voting closes (UK time)",
        }
        help_texts = {
            "freeze_date": "Eligibility is judged at this date. It cannot be after the day voting opens.",
            "opens_at": "Date and time in UK time (Europe/London: GMT in winter, BST in summer).",
            "closes_at": "Date and time in UK time. Votes after this moment are refused, even if nobody "
            "presses “close”.",
            "min_membership_months": "The rules say 6.",
            "affiliate_min_days": "0 unless your procedures say otherwise (some used 60).",
        }
        widgets = {
            "member_counting": forms.RadioSelect,
            "affiliate_counting": forms.RadioSelect,
            "tied_branch": forms.RadioSelect,
            "freeze_date": DateInput,
            "opens_at": DateTimeLocalInput,
            "closes_at": DateTimeLocalInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rule sets and their options speak for themselves: titles, labels and choices come
        # from the registry when the form is made, so a rule set registered later is offered too.
        self.fields["rules"].choices = [
            (rule_set.name, f"{rule_set.title}. {rule_set.description}" if rule_set.description else rule_set.title)
            for rule_set in counting.RULE_SETS.values()
        ]
        self.fields["rules"].initial = self.instance.rules if self.instance.pk else counting.DEFAULT_RULES
        for name in OPTION_FIELDS:
            self._option_field_from_rule_sets(name)
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def _option_field_from_rule_sets(self, name: str) -> None:
        """Label, choices and a hint saying which rule sets use the option, from the rule sets' Option."""
        field = self.fields[name]
        field.choices = TriggerBallot._meta.get_field(name).choices
        options = {rule_set.name: rule_set.option(name) for rule_set in counting.RULE_SETS.values()}
        used = [option for option in options.values() if option is not None]
        if used:
            field.label = used[0].label
        ignoring = [counting.RULE_SETS[rules].title for rules, option in options.items() if option is None]
        if ignoring:
            field.help_text = f"Ignored under {'; '.join(ignoring)}."

    def clean(self):
        cleaned = super().clean()
        for name, messages in ballot_settings_errors(cleaned).items():
            for message in messages:
                if name == "__all__" or name not in self.fields:
                    self.add_error(None, message)
                elif name not in self.errors:
                    self.add_error(name, message)
        return cleaned


class AffiliateVoteForm(forms.Form):
    choice = forms.ChoiceField(
        label="The affiliate's decision", choices=AffiliateVote.AffiliateChoice.choices, widget=forms.RadioSelect
    )
    delegate_name = forms.CharField(
        label="Delegate who gave the decision",
        max_length=200,
        help_text="The person who reported the organisation's decision to you.",
    )


class RollSearchForm(forms.Form):
    membership_number = forms.CharField(label="Membership number", max_length=32)


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that every code not yet used is replaced, and the old codes stop working.",
        required=True,
        error_messages={"required": "Tick the box to confirm that every unused code will be replaced."},
    )

"""Officer forms for ballots: settings, affiliates' decisions, finding a member on the roll.

Opening and closing times are typed in UK time: Django reads a naive datetime in the current
time zone (Europe/London, with USE_TZ), so 14:00 in July is 13:00 UTC and 14:00 in January is
14:00 UTC.
"""

from django import forms

from ballots.models import AffiliateVote, TriggerBallot
from ballots.officer.services import BALLOT_FIELDS, ballot_settings_errors, rule_set_descriptions

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
DEFAULT_RULES = "labour-2021"


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
            "member_counting": "How members' votes count (2021 rules)",
            "affiliate_counting": "How affiliates' votes count (2021 rules)",
            "tied_branch": "A ward branch whose vote is tied",
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
            "member_counting": "Ignored by the 2018 and pre-2018 rule sets, which always count branches.",
            "affiliate_counting": "Ignored by the 2018 and pre-2018 rule sets.",
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
        descriptions = rule_set_descriptions()
        self.fields["rules"].choices = [
            (name, f"{name}: {text}" if text else name) for name, text in descriptions.items()
        ]
        self.fields["rules"].initial = self.instance.rules if self.instance.pk else DEFAULT_RULES
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

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

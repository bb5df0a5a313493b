"""Officer forms for ballots: settings (with how members vote), affiliates' decisions, finding a member
on the roll, and the marked register's search, mark and undo.

Opening and closing times are typed in UK time: Django reads a naive datetime in the current
time zone (Europe/London, with USE_TZ), so 14:00 in July is 13:00 UTC and 14:00 in January is
14:00 UTC.
"""

from django import forms

from ballots import counting
from ballots.models import AffiliateVote, TriggerBallot
from ballots.models.paper import PAPER_CHANNEL_CHOICES
from ballots.officer.services import BALLOT_FIELDS, OPTION_FIELDS, ballot_settings_errors
from ballots.officer.services.ballot_settings import CHANNEL_FIELDS
from ballots.officer.services.marked_register import REASON_MAX_LENGTH

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
            "bilingual": "Welsh and English (a bilingual ballot)",
            "question_en": "The question in English (optional)",
            "question_cy": "The question in Welsh (optional)",
            "freeze_date": "Freeze date",
            "min_membership_months": "Months of continuous membership needed at the freeze date",
            "arrears_allowed": "Members in arrears may vote",
            "affiliate_min_days": "Days an affiliate must have been affiliated before the freeze date",
            "opens_at": "Voting opens (UK time)",
            "closes_at": "Voting closes (UK time)",
            "online_voting": "Members vote online",
            "paper_voting": "Members vote by post or on paper",
            "meeting_voting": "Members vote at branch meetings",
            "paper_closes_at": "Paper votes received until (UK time)",
            "meeting_closes_at": "Branch meetings held until (UK time)",
        }
        help_texts = {
            "bilingual": "Members choose Welsh or English on the voting pages and the results; emails, letters "
            "and ballot papers carry both. Officer pages stay in English.",
            "question_en": "Leave it empty for the standard wording: “Do you want [the MP] to be automatically "
            "reselected as the Labour candidate for [the constituency], or should there be an open selection?”",
            "question_cy": "Leave it empty for the standard Welsh wording: “A ddylid ailddewis [yr AS] yn awtomatig "
            "yn ymgeisydd Llafur dros [yr etholaeth], neu a ddylid cynnal dethol agored?”",
            "freeze_date": "Eligibility is judged at this date. It cannot be after the day voting opens.",
            "opens_at": "Date and time in UK time (Europe/London: GMT in winter, BST in summer).",
            "closes_at": "Date and time in UK time. Votes after this moment are refused, even if nobody "
            "presses “close”.",
            "min_membership_months": "The rules say 6.",
            "affiliate_min_days": "0 unless your procedures say otherwise (some used 60).",
            "online_voting": "With the voting code each member is sent, until voting closes.",
            "paper_voting": "An officer marks each member on the register as their ballot paper comes in.",
            "meeting_voting": "An officer marks each member on the register as they vote at the meeting.",
            "paper_closes_at": "Date and time in UK time (Europe/London). Leave it empty to take paper votes "
            "until voting closes.",
            "meeting_closes_at": "Date and time in UK time (Europe/London). Leave it empty to hold meetings "
            "until voting closes.",
        }
        widgets = {
            "question_en": forms.Textarea(attrs={"rows": 3}),
            "question_cy": forms.Textarea(attrs={"rows": 3, "lang": "cy"}),
            "member_counting": forms.RadioSelect,
            "affiliate_counting": forms.RadioSelect,
            "tied_branch": forms.RadioSelect,
            "freeze_date": DateInput,
            "opens_at": DateTimeLocalInput,
            "closes_at": DateTimeLocalInput,
            "paper_closes_at": DateTimeLocalInput,
            "meeting_closes_at": DateTimeLocalInput,
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
        for name in ("opens_at", "closes_at", "paper_closes_at", "meeting_closes_at"):
            self.fields[name].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def settings_fields(self) -> list[forms.BoundField]:
        """The visible fields other than how members vote, in order (for the template)."""
        return [field for field in self.visible_fields() if field.name not in CHANNEL_FIELDS]

    def channel_fields(self) -> list[forms.BoundField]:
        """How members vote: the channels and their closing times, grouped under one legend."""
        return [self[name] for name in CHANNEL_FIELDS]

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


class RegisterSearchForm(forms.Form):
    q = forms.CharField(
        label="Membership number or name",
        max_length=100,
        help_text="A membership number, or part of a member's first name, last name or both.",
    )


class RegisterMarkForm(forms.Form):
    """One click on the marked register: this member, by this channel (the search is kept to go back to)."""

    entry = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    channel = forms.ChoiceField(choices=PAPER_CHANNEL_CHOICES, widget=forms.HiddenInput)
    q = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)


class RegisterUndoForm(forms.Form):
    reason = forms.CharField(
        label="Why is this mark being undone?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: marked the wrong member. The reason goes in the audit log.",
        error_messages={"required": "Say why the mark is being undone."},
    )


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that every code not yet used is replaced, and the old codes stop working.",
        required=True,
        error_messages={"required": "Tick the box to confirm that every unused code will be replaced."},
    )

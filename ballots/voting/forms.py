"""Forms of the members' voting pages. Checks of the credentials themselves live in ballots/voting/services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ballots.models import Choice, TriggerBallot


class BallotChoiceField(forms.ModelChoiceField):
    # The open ballots already read for the page, by their id as posted: the common answer,
    # found with no second query.
    listed: dict[str, TriggerBallot] = {}

    def label_from_instance(self, ballot):
        return f"{ballot.constituency.name}: {ballot.sitting_mp}"

    def to_python(self, value):
        if isinstance(value, str) and value in self.listed:
            return self.listed[value]
        return super().to_python(value)


class VoteStartForm(forms.Form):
    """Which ballot, membership number and voting code."""

    ballot = BallotChoiceField(
        queryset=TriggerBallot.objects.none(),
        empty_label=_("Choose your constituency"),
        label=_("Your constituency's ballot"),
        error_messages={
            "required": _("Choose your constituency's ballot."),
            "invalid_choice": _("That ballot is not open for voting. Choose one from the list."),
        },
    )
    membership_number = forms.CharField(
        label=_("Membership number"),
        max_length=40,
        help_text=_("On your membership card or in your welcome email, for example L1234567."),
        error_messages={"required": _("Enter your membership number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("Voting code"),
        max_length=40,
        help_text=_("The 16-character code in the letter or email about this ballot, for example ABCD-EFGH-JKMN-PQRS."),
        error_messages={"required": _("Enter your voting code.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
    )

    def __init__(self, *args, open_ballots, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["ballot"]
        # The list offers the open ballots; a submitted one that has since closed (or has not
        # opened) is still accepted here, so the member hears exactly why they cannot vote.
        field.queryset = TriggerBallot.objects.select_related("constituency") if self.is_bound else open_ballots
        ballots = list(open_ballots)
        field.listed = {str(ballot.pk): ballot for ballot in ballots}
        self.single_ballot = ballots[0] if len(ballots) == 1 else None
        if self.single_ballot is not None:
            field.widget = forms.HiddenInput()
            field.initial = self.single_ballot.pk

    def show_open_ballots(self, open_ballots):
        """After validation: list only the open ballots again.

        Each input is tied to its hint and its error by Django itself (aria-describedby naming
        <id>_helptext and <id>_error, aria-invalid on a field with an error), which is what
        templates/includes/field.html draws."""
        self.fields["ballot"].queryset = open_ballots


# The radio buttons' values, all of one length, so the size of the form's request body does
# not tell the choice either; clean_choice turns them into the stored Choice.
CHOICE_OF_VALUE = {"keep": Choice.RESELECT, "open": Choice.OPEN}
VALUE_OF_CHOICE = {choice: value for value, choice in CHOICE_OF_VALUE.items()}


class BallotPaperForm(forms.Form):
    """The member's choice, as posted by the ballot paper, the confirmation and "Go back and change"."""

    choice = forms.ChoiceField(
        choices=[(value, choice.label) for value, choice in CHOICE_OF_VALUE.items()],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the two options."),
            "invalid_choice": _("Choose one of the two options."),
        },
    )

    def clean_choice(self):
        return CHOICE_OF_VALUE[self.cleaned_data["choice"]]

    def posted_value(self):
        """The choice as posted ("keep" or "open"), or None when it is missing or not one of them."""
        value = self.data.get("choice") if self.is_bound else None
        return value if value in CHOICE_OF_VALUE else None


class ReceiptCheckForm(forms.Form):
    ballot = BallotChoiceField(
        queryset=TriggerBallot.objects.none(),
        empty_label=_("Choose the ballot"),
        label=_("Ballot"),
        error_messages={
            "required": _("Choose the ballot you voted in."),
            "invalid_choice": _("Choose a ballot from the list."),
        },
    )
    receipt_code = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        help_text=_("The 12-character code shown when you voted, for example ABCD-EFGH-JKMN."),
        error_messages={"required": _("Enter your receipt code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args, ballots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ballot"].queryset = ballots

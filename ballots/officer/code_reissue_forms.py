"""Forms for re-issuing every code with two officers: asking (how, why, confirmed) and refusing (why).

The refusal form carries the prefix "refuse", so its reason never shares an id with the ask's
when both are on the codes page.
"""

from django import forms

from ballots.models import CodeReissueRequest
from ballots.officer.forms import ConfirmForm
from ballots.officer.services.code_reissue_approval import REASON_MAX_LENGTH

REFUSE_PREFIX = "refuse"


class CodeReissueRequestForm(ConfirmForm):
    how = forms.ChoiceField(
        label="How should the new codes go out?",
        choices=CodeReissueRequest.How.choices,
        initial=CodeReissueRequest.How.EMAIL,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the new codes go out.", "invalid_choice": "Choose one of the ways."},
    )
    reason = forms.CharField(
        label="Why must every code be re-issued?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the CSV of codes was sent to the wrong address. The second officer sees it, "
        "and it goes in the audit log.",
        error_messages={"required": "Say why every code must be re-issued."},
    )
    field_order = ["how", "reason", "confirm"]


class CodeReissueRefuseForm(forms.Form):
    reason = forms.CharField(
        label="Why are you refusing?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The officer who asked sees it, and it goes in the audit log.",
        error_messages={"required": "Say why you are refusing the re-issue."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", REFUSE_PREFIX)
        super().__init__(*args, **kwargs)

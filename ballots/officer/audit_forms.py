"""The audit log's filter: by what happened and by who did it, offered from what the ballot's log holds."""

from django import forms

from ballots.officer.audit_words import audit_action_text

SYSTEM = "system"


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="What happened", required=False)
    officer = forms.ChoiceField(label="Who", required=False)

    def __init__(self, data, *, actions: list[str], officers: list[tuple[int, str]]):
        super().__init__(data)
        self.fields["action"].choices = [("", "Anything")] + [
            (action, audit_action_text(action)) for action in sorted(actions, key=audit_action_text)
        ]
        self.fields["officer"].choices = (
            [("", "Anyone")] + [(str(pk), name) for pk, name in officers] + [(SYSTEM, "The system")]
        )

    def filters(self) -> dict:
        """The chosen filters for `ballot_audit_events`; none where the choice is missing or not offered."""
        if not self.is_valid():
            return {}
        chosen: dict = {}
        if self.cleaned_data["action"]:
            chosen["action"] = self.cleaned_data["action"]
        officer = self.cleaned_data["officer"]
        if officer == SYSTEM:
            chosen["actor_id"] = None
        elif officer:
            chosen["actor_id"] = int(officer)
        return chosen

"""Forms of a region's set-up: a new or edited constituency, an invitation, and accepting one."""

from django import forms
from django.contrib.auth import password_validation

from members.models import Constituency, Invitation, Region


class ConstituencyEditForm(forms.Form):
    """A constituency's name and sitting MP; `constituency` is the one being edited (None: a new one)."""

    name = forms.CharField(max_length=200)
    sitting_mp = forms.CharField(label="Sitting MP", max_length=200)

    def __init__(self, *args, constituency: Constituency | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.constituency = constituency

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        others = Constituency.objects.filter(name__iexact=name)
        if self.constituency is not None:
            others = others.exclude(pk=self.constituency.pk)
        if others.exists():
            raise forms.ValidationError(f"There is already a constituency called “{name}”.")
        return name

    def clean_sitting_mp(self):
        return " ".join(self.cleaned_data["sitting_mp"].split())


class ConstituencyAddForm(ConstituencyEditForm):
    wards = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False, help_text="One ward a line. You can add more later."
    )

    def clean_wards(self):
        names: list[str] = []
        for line in self.cleaned_data["wards"].splitlines():
            name = " ".join(line.split())
            if not name:
                continue
            if len(name) > 200:
                raise forms.ValidationError(f"The ward name “{name[:40]}…” is longer than 200 characters.")
            if name.lower() in (n.lower() for n in names):
                raise forms.ValidationError(f"The ward “{name}” is listed twice.")
            names.append(name)
        return names


class InvitationForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Invitation.Role.choices)
    constituency = forms.ModelChoiceField(
        queryset=Constituency.objects.none(), required=False, help_text="For an officer or a scrutineer."
    )

    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.fields["constituency"].queryset = region.constituencies.order_by("name")  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        role, constituency = data.get("role"), data.get("constituency")
        if role in (Invitation.Role.OFFICER, Invitation.Role.SCRUTINEER) and constituency is None:
            self.add_error("constituency", "Choose the constituency an officer or a scrutineer is invited to.")
        if role == Invitation.Role.REGIONAL_OFFICER:
            data["constituency"] = None
        return data


class InvitationAcceptForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords are not the same.")
        elif one:
            try:
                password_validation.validate_password(one)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

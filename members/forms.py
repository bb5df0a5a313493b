"""Officer forms: wards, members, affiliates and imports. Messages say what is wrong and how to fix it."""

from django import forms
from django.utils import timezone

from members.membership_numbers import membership_number_normalise
from members.models import Affiliate, Member, Ward

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _not_in_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError("This date is in the future.")
    return day


class WardForm(forms.ModelForm):
    class Meta:
        model = Ward
        fields = ["name"]
        labels = {"name": "Ward name"}

    def __init__(self, *args, constituency, **kwargs):
        super().__init__(*args, **kwargs)
        self.constituency = constituency

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = Ward.objects.filter(constituency=self.constituency, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"{self.constituency.name} already has a ward called “{clash.first().name}”.")
        return name


class MemberForm(forms.ModelForm):
    joined_on = forms.DateField(
        label="Joined on", widget=DATE_WIDGET, input_formats=DATE_FORMATS, help_text="For example 2019-08-31."
    )

    class Meta:
        model = Member
        fields = ["membership_number", "first_name", "last_name", "email", "ward", "joined_on", "status"]
        labels = {"email": "Email (optional)"}

    def __init__(self, *args, constituency, **kwargs):
        super().__init__(*args, **kwargs)
        self.constituency = constituency
        self.fields["ward"].queryset = Ward.objects.filter(constituency=constituency).order_by("name")
        self.fields["ward"].empty_label = "Choose a ward"
        self.fields["ward"].error_messages["invalid_choice"] = "Choose one of this constituency's wards."
        self.fields["membership_number"].widget.attrs["autocomplete"] = "off"

    def clean_membership_number(self):
        number = membership_number_normalise(self.cleaned_data["membership_number"])
        max_length = Member._meta.get_field("membership_number").max_length
        if len(number) > max_length:  # upper case can be longer than what was typed: "ß" is "SS"
            raise forms.ValidationError(f"A membership number has at most {max_length} characters.")
        holder = (
            Member.objects.filter(membership_number__iexact=number)
            .exclude(pk=self.instance.pk)
            .select_related("ward__constituency")
            .first()
        )
        if holder is not None:
            if holder.ward.constituency_id == self.constituency.pk:
                raise forms.ValidationError(
                    f"Membership number {holder.membership_number} already belongs to {holder.full_name} "
                    f"({holder.ward.name} ward)."
                )
            raise forms.ValidationError(
                f"Membership number {holder.membership_number} already belongs to a member in another constituency."
            )
        return number

    def clean_joined_on(self):
        return _not_in_future(self.cleaned_data["joined_on"])


class AffiliateForm(forms.ModelForm):
    affiliated_on = forms.DateField(
        label="Affiliated on", widget=DATE_WIDGET, input_formats=DATE_FORMATS, help_text="For example 2012-06-01."
    )

    class Meta:
        model = Affiliate
        fields = ["name", "kind", "affiliated_on", "affiliated_members", "delegate_name", "delegate_email"]
        labels = {
            "name": "Organisation name",
            "affiliated_members": "Affiliated members (optional)",
            "delegate_name": "Delegate's name (optional)",
            "delegate_email": "Delegate's email (optional)",
        }
        help_texts = {"affiliated_members": "Members it affiliates in this constituency, for weighted counting."}

    def __init__(self, *args, constituency, **kwargs):
        super().__init__(*args, **kwargs)
        self.constituency = constituency

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = Affiliate.objects.filter(constituency=self.constituency, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"“{clash.first().name}” is already affiliated to {self.constituency.name}.")
        return name

    def clean_affiliated_on(self):
        return _not_in_future(self.cleaned_data["affiliated_on"])


class ImportForm(forms.Form):
    MEMBERS = "members"
    AFFILIATES = "affiliates"

    kind = forms.ChoiceField(
        label="What the file holds",
        choices=[(MEMBERS, "Members"), (AFFILIATES, "Affiliated organisations")],
        widget=forms.RadioSelect,
        initial=MEMBERS,
    )
    file = forms.FileField(
        label="CSV file",
        help_text="A header row, then one row per member or organisation. UTF-8 or Windows-1252 (Excel's “CSV”).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    create_wards = forms.BooleanField(
        label="Create missing wards",
        required=False,
        help_text="Members only: add any ward named in the file that does not exist yet, instead of reporting it.",
    )

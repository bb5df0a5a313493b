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
        fields = [
            "membership_number",
            "first_name",
            "last_name",
            "email",
            "ward",
            "joined_on",
            "status",
            "address",
            "postcode",
        ]
        labels = {
            "email": "Email (optional)",
            "address": "Postal address (optional)",
            "postcode": "Postcode (optional)",
        }
        help_texts = {"address": "For letters to members without an email: one line each, without the postcode."}
        widgets = {"address": forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"})}

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
    """The upload: what the file holds, the file (at most IMPORT_MAX_UPLOAD_MB), and the wards choice."""

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

    def __init__(self, *args, max_bytes: int, too_large_message: str, upload_too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes, self.too_large_message, self.upload_too_large = max_bytes, too_large_message, upload_too_large
        megabytes = max_bytes // (1024 * 1024)
        self.fields["file"].help_text += f" At most {megabytes} MB."
        self.fields["file"].error_messages["required"] = "Choose the CSV file to import."
        self.fields["kind"].error_messages["required"] = "Choose whether the file holds members or organisations."

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if self.upload_too_large or (upload is not None and upload.size > self.max_bytes):
            self.errors.pop("file", None)
            self.add_error("file", self.too_large_message)
        return data


IGNORE = ""


class ColumnMapForm(forms.Form):
    """The mapping step: for each column of the file's header, the field it fills, or Ignore."""

    def __init__(self, *args, columns, fields: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [(IGNORE, "Ignore this column"), *fields]
        self.labels = dict(fields)
        for column in columns:
            name = f"column_{column.position}"
            self.fields[name] = forms.ChoiceField(
                label=column.header or f"Column {column.position + 1} (no heading)",
                choices=choices,
                required=False,
                initial=column.field or IGNORE,
                help_text=_column_hint(column),
            )

    def clean(self):
        data = super().clean()
        taken: dict[str, str] = {}
        for column in self.columns:
            field = data.get(f"column_{column.position}") or IGNORE
            if field and field != "address" and field in taken:  # address lines may span columns
                self.add_error(
                    f"column_{column.position}",
                    f"“{taken[field]}” is set to {self.labels[field]} already: choose another field or ignore one.",
                )
            taken.setdefault(field, column.header)
        return data

    def column_map(self) -> dict[str, str]:
        """{header as in the file: field, or "" to ignore} for every column with a heading."""
        return {
            column.header: self.cleaned_data.get(f"column_{column.position}") or IGNORE
            for column in self.columns
            if column.header
        }


def _column_hint(column) -> str:
    if column.how == "recognised":
        return "Recognised from its heading."
    if column.how == "mapped":
        return "As mapped before."
    return "Not recognised: choose the field it holds, or ignore it."


class ValueMapForm(forms.Form):
    """Unknown words in a column (a status, an organisation's type), each given a meaning or left."""

    def __init__(self, *args, unknown: dict[str, dict[str, int]], meanings: dict[str, list[tuple[str, str]]], **kwargs):
        super().__init__(*args, **kwargs)
        self.words: list[tuple[str, str, str]] = []  # (form field name, column, word)
        for column, words in unknown.items():
            if column not in meanings:
                continue
            for index, (word, count) in enumerate(sorted(words.items(), key=lambda item: (-item[1], item[0]))):
                name = f"value_{column}_{index}"
                self.words.append((name, column, word))
                self.fields[name] = forms.ChoiceField(
                    label=f"“{word}” ({count} row{'s' if count != 1 else ''})",
                    choices=[("", "Leave it: a problem to correct in the file"), *meanings[column]],
                    required=False,
                )

    def value_map(self) -> dict[str, dict[str, str]]:
        mapped: dict[str, dict[str, str]] = {}
        for name, column, word in self.words:
            if self.cleaned_data.get(name):
                mapped.setdefault(column, {})[word] = self.cleaned_data[name]
        return mapped


class MissingForm(forms.Form):
    """What the import does with members of the constituency who are not in the file."""

    missing = forms.ChoiceField(
        label="Members not in the file",
        choices=[("leave", "Leave them as they are"), ("lapse", "Mark them lapsed")],
        widget=forms.RadioSelect,
    )

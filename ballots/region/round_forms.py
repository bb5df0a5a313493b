"""The forms of a round set up from one file: the upload (the round's name and the CSV), and the confirmation."""

from typing import Any

from django import forms

from ballots.region.round_file import MAX_BYTES, MAX_ROWS
from ballots.region.round_upload import ROUND_NAME_MAX, round_name_problem
from ballots.region.round_values import name_clean
from members.models import Region

TOO_LARGE = f"The file is larger than {MAX_BYTES // 1024} KB: a round has at most {MAX_ROWS:,} rows."


class RoundUploadForm(forms.Form):
    name = forms.CharField(
        label="Name of the round",
        max_length=ROUND_NAME_MAX,
        help_text="For example “Spring 2026”. Each round of the region has its own name.",
    )
    file = forms.FileField(
        label="CSV file",
        help_text=(
            f"A header row, then one row per constituency (at most {MAX_ROWS:,}). "
            f"UTF-8 or Windows-1252 (Excel's “CSV”), at most {MAX_BYTES // 1024} KB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, region: Region, upload_too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region, self.upload_too_large = region, upload_too_large
        self.fields["name"].error_messages["required"] = "Give the round a name."
        self.fields["file"].error_messages["required"] = "Choose the CSV file of the round."
        self.fields["file"].error_messages["empty"] = (
            "The file is empty: it needs a header row and a row per constituency."
        )

    def clean_name(self) -> str:
        name = name_clean(self.cleaned_data["name"])
        problem = round_name_problem(region=self.region, name=name)
        if problem:
            raise forms.ValidationError(problem)
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if self.upload_too_large or (upload is not None and upload.size > MAX_BYTES):
            self.errors.pop("file", None)
            self.add_error("file", TOO_LARGE)
        return data


class RoundConfirmForm(forms.Form):
    """The previewed file, signed (ballots/region/round_views.py), to be checked again and created."""

    upload = forms.CharField(widget=forms.HiddenInput)

"""Forms of the ballot's key: who keeps it (when opening), the key entered back (to confirm it was
kept, and to count), and the signed token that carries the handover from one page to the next.

The private key never passes through a token, a session or the database: the handover page
shows it once, and the token it carries names only the public half, the custody and the
trustees. The officer proves they kept the key by entering it back (typed, pasted, or the
saved file uploaded); `KeyEntryForm` turns what they give into the private key, or into a
message fit for them.
"""

from dataclasses import dataclass

from django import forms
from django.core import signing

from ballots.models import TriggerBallot
from ballots.sealing import KeyTextError, key_recover

KeyCustody = TriggerBallot.KeyCustody

# The default trustees of the three shares, in share order; the officer can rename them.
DEFAULT_HOLDERS = ("Returning officer", "Regional office", "Scrutineer")
HOLDER_MAX_LENGTH = 100

# A key file saved from the handover page is well under 1 KB: anything much larger is not one.
KEY_FILE_MAX_BYTES = 20 * 1024
KEY_FILES_MAX = 3
KEY_TEXT_MAX_LENGTH = 5000

# The handover token lives as long as the handover page is worth keeping open.
HANDOVER_SALT = "ballots.officer.key-handover"
HANDOVER_MAX_AGE = 60 * 60


class KeyCustodyForm(forms.Form):
    """On the open confirmation page: one key for the officer, or three shares for named trustees."""

    key_custody = forms.ChoiceField(
        label="Who keeps the ballot's key?",
        help_text="The votes are sealed to this key. The site never keeps it: it is shown to you once, now.",
        choices=[
            (KeyCustody.WHOLE, "One key, kept by me"),
            (KeyCustody.SHARES, "Three shares for trustees, any two of which open the votes"),
        ],
        initial=KeyCustody.WHOLE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who keeps the ballot's key."},
    )
    holder_1 = forms.CharField(
        label="Trustee holding share 1", max_length=HOLDER_MAX_LENGTH, required=False, initial=DEFAULT_HOLDERS[0]
    )
    holder_2 = forms.CharField(
        label="Trustee holding share 2", max_length=HOLDER_MAX_LENGTH, required=False, initial=DEFAULT_HOLDERS[1]
    )
    holder_3 = forms.CharField(
        label="Trustee holding share 3", max_length=HOLDER_MAX_LENGTH, required=False, initial=DEFAULT_HOLDERS[2]
    )

    HOLDER_FIELDS = ("holder_1", "holder_2", "holder_3")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("key_custody") == KeyCustody.SHARES:
            for number, name in enumerate(self.HOLDER_FIELDS, start=1):
                if name in cleaned and not cleaned[name]:
                    self.add_error(name, f"Name the trustee who will hold share {number}.")
        return cleaned

    def holders(self) -> list[str]:
        """The trustees' names in share order (empty for a whole key)."""
        if self.cleaned_data["key_custody"] != KeyCustody.SHARES:
            return []
        return [self.cleaned_data[name] for name in self.HOLDER_FIELDS]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of uploaded files (none allowed), as a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class KeyEntryForm(forms.Form):
    """The ballot's key, or two of its shares, typed or pasted, or as the files saved when it opened.

    Valid when what was given makes a key: `cleaned_data["private_key"]` holds it. Whether it
    is this ballot's key is for the caller to check (against the ballot or the handover token).
    """

    key_text = forms.CharField(
        label="The ballot's key, or two of its shares",
        help_text=(
            "Each is 14 groups of four letters and digits. Type or paste them here, one below the other: "
            "spaces, dashes and line breaks do not matter."
        ),
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "autocomplete": "off", "class": "key-input"}),
        max_length=KEY_TEXT_MAX_LENGTH,
        required=False,
    )
    key_files = MultipleFileField(
        label="Or upload the saved key file, or two share files",
        help_text=f"The text files saved from the key's page when the ballot opened ({KEY_FILE_MAX_BYTES // 1024} KB "
        "each at most).",
        required=False,
    )

    def clean_key_files(self) -> list[str]:
        """The text of each uploaded file."""
        files = self.cleaned_data.get("key_files") or []
        if len(files) > KEY_FILES_MAX:
            raise forms.ValidationError(f"Upload at most {KEY_FILES_MAX} files: the key, or its shares.")
        texts = []
        for upload in files:
            if upload.size > KEY_FILE_MAX_BYTES:
                raise forms.ValidationError(
                    f"{upload.name} is larger than {KEY_FILE_MAX_BYTES // 1024} KB, so it is not a key file from "
                    "this site. Upload the text file saved when the ballot opened."
                )
            try:
                texts.append(upload.read().decode("utf-8-sig"))
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    f"{upload.name} is not a text file. Upload the text file saved when the ballot opened."
                ) from None
        return texts

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        texts = [cleaned.get("key_text") or "", *cleaned.get("key_files", [])]
        if not any(text.strip() for text in texts):
            self.add_error("key_text", "Enter the ballot's key or two of its shares, or upload the saved files.")
            return cleaned
        try:
            cleaned["private_key"] = key_recover(texts)
        except KeyTextError as error:
            self.add_error("key_text", str(error))
        return cleaned


class KeyConfirmForm(KeyEntryForm):
    """On the key's page: the key entered back, and the officer's word that it is kept."""

    token = forms.CharField(widget=forms.HiddenInput)
    kept = forms.BooleanField(
        label="I have kept the key safe: without it nobody can count this ballot",
        error_messages={"required": "Tick the box to confirm that you have kept the key safe."},
    )


@dataclass(frozen=True)
class KeyHandover:
    """What the handover token carries from the key's page to the opening: never the private key."""

    ballot_id: int
    public_key: str
    key_custody: str
    key_holders: list[str]


class HandoverTokenInvalid(Exception):
    """A handover token that was altered, has expired, or belongs to another ballot or officer."""


def handover_token_make(handover: KeyHandover, *, user_id: int) -> str:
    """The signed token for the key's page (valid for HANDOVER_MAX_AGE seconds)."""
    payload = {
        "ballot": handover.ballot_id,
        "public_key": handover.public_key,
        "custody": handover.key_custody,
        "holders": handover.key_holders,
        "user": user_id,
    }
    return signing.dumps(payload, salt=HANDOVER_SALT)


def handover_token_read(token: str, *, ballot_id: int, user_id: int) -> KeyHandover:
    """The handover a token carries; HandoverTokenInvalid unless it is intact, fresh and for this ballot and user."""
    try:
        payload = signing.loads(token, salt=HANDOVER_SALT, max_age=HANDOVER_MAX_AGE)
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature
        raise HandoverTokenInvalid(str(error)) from error
    if not isinstance(payload, dict) or payload.get("ballot") != ballot_id or payload.get("user") != user_id:
        raise HandoverTokenInvalid("the token is for another ballot or officer")
    return KeyHandover(
        ballot_id=ballot_id,
        public_key=str(payload.get("public_key", "")),
        key_custody=str(payload.get("custody", "")),
        key_holders=[str(name) for name in payload.get("holders") or []],
    )

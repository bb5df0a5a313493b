"""Opening a ballot hands over its key: the key's page, shown once, and the confirmation that opens the ballot.

Step one (POST `ballot_open`, from the open confirmation page with the custody chosen): the
server makes the key pair and renders the key's page directly, never cached and never
redirected to, since nothing about it is stored: the key, or each of its three shares with its
trustee's name, in a printable block and as a text file to save. The ballot is not opened yet.

Step two (POST `ballot_open_key`): the officer enters the key, or two shares, back. The form
carries a signed token naming the public half, the custody and the trustees (never the private
half); only when the key entered is the one whose public half the token names does
`ballot_open` run, sealed to it. An officer who loses the page before then has opened nothing,
and starts again with a new key.
"""

import urllib.parse
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import TemplateView

from ballots.models import TriggerBallot
from ballots.officer import services
from ballots.officer.key_forms import (
    HandoverTokenInvalid,
    KeyConfirmForm,
    KeyCustodyForm,
    KeyHandover,
    handover_token_make,
    handover_token_read,
)
from ballots.officer.services import BallotStateError
from ballots.officer.views.common import BallotOfficerMixin, no_store
from ballots.officer.views.transitions import CONFIRMED, open_confirm_context, refusal_text
from ballots.sealing import ballot_key_generate, key_fingerprint, key_share_texts, key_text, public_key_of

KeyCustody = TriggerBallot.KeyCustody

WHOLE_KEY_ADVICE = (
    "Keep this file private and safe, away from the computer used to run the site: a printed copy in a "
    "locked drawer is good. When voting has closed, an officer of the constituency counts the votes by "
    "entering this key on the ballot's count page, or by uploading this file. The site keeps no copy: if "
    "the key is lost, nobody can ever count this ballot."
)
SHARE_ADVICE = (
    "This is one of three shares of the ballot's key: any two of them open the votes, and one alone "
    "reveals nothing. Keep it private and safe, apart from the other shares. When voting has closed, two "
    "trustees give their shares on the ballot's count page, typed in or as their files. The site keeps no "
    "copy: if two of the shares are lost, nobody can ever count this ballot."
)


@dataclass(frozen=True)
class BallotKeySummary:
    """What a page may say about a ballot's key: its fingerprint and who keeps it (nothing secret)."""

    fingerprint: str
    custody: str
    custody_label: str
    holders: list[tuple[int, str]]  # (share number, trustee), for shares only


def ballot_key_summary(ballot: TriggerBallot) -> BallotKeySummary | None:
    """The key summary of an opened ballot; None for a draft (it has no key yet)."""
    if not ballot.seal_public_key:
        return None
    return _summary(ballot.seal_public_key, ballot.key_custody, ballot.key_holders)


def _summary(public_key: str, custody: str, holders: list[str]) -> BallotKeySummary:
    label = KeyCustody(custody).label if custody in KeyCustody.values else "Not recorded"
    return BallotKeySummary(
        fingerprint=key_fingerprint(public_key),
        custody=custody,
        custody_label=label,
        holders=list(enumerate(holders, start=1)) if custody == KeyCustody.SHARES else [],
    )


@dataclass(frozen=True)
class KeyBlock:
    """One printable block of the key's page: the whole key, or one share with its trustee."""

    heading: str
    text: str
    holder: str
    filename: str
    file_href: str


def _file_text(ballot: TriggerBallot, fingerprint: str, text: str, *, share: int = 0, holder: str = "") -> str:
    # Uploaded, the file is read for groups of four characters, and a line break does not end a
    # run of them: so every name has a label word before it, and the key a line of words before
    # and after, so that nothing else can be read as part of the key.
    lines = [
        f"Sealing key of ballot {ballot.pk}",
        f"Sitting MP: {ballot.sitting_mp}",
        f"Constituency: {ballot.constituency.name}",
        f"Key fingerprint: {fingerprint} (not secret)",
    ]
    if share:
        lines.append(f"Trustee: {holder}")
    lines += ["", f"Share {share} of 3:" if share else "The key:", text, "End of the key.", ""]
    lines += [SHARE_ADVICE if share else WHOLE_KEY_ADVICE, ""]
    return "\n".join(lines)


def _data_href(content: str) -> str:
    return "data:text/plain;charset=utf-8," + urllib.parse.quote(content, safe="")


def key_blocks(ballot: TriggerBallot, private_key: bytes, handover: KeyHandover) -> list[KeyBlock]:
    """The key's page's blocks: one for a whole key, one per share (in share order) for trustees."""
    fingerprint = key_fingerprint(handover.public_key)
    if handover.key_custody != KeyCustody.SHARES:
        text = key_text(private_key)
        return [
            KeyBlock(
                heading=f"The key of ballot {ballot.pk}",
                text=text,
                holder="",
                filename=f"ballot-{ballot.pk}-key.txt",
                file_href=_data_href(_file_text(ballot, fingerprint, text)),
            )
        ]
    blocks = []
    shares = key_share_texts(private_key)
    for number, (text, holder) in enumerate(zip(shares, handover.key_holders, strict=True), start=1):
        blocks.append(
            KeyBlock(
                heading=f"Share {number} of {len(shares)}",
                text=text,
                holder=holder,
                filename=f"ballot-{ballot.pk}-key-share-{number}.txt",
                file_href=_data_href(_file_text(ballot, fingerprint, text, share=number, holder=holder)),
            )
        )
    return blocks


class KeyPageMixin(BallotOfficerMixin):
    """Renders the key's page (never cached): with the key's blocks the first time, without them after."""

    def key_page(self, *, handover: KeyHandover | None, form=None, blocks=(), status=200):
        context = self.get_context_data(
            form=form,
            key_blocks=list(blocks),
            key=_summary(handover.public_key, handover.key_custody, handover.key_holders) if handover else None,
            handover_invalid=handover is None,
            action_url=reverse("ballots:ballot_open_key", args=[self.ballot.pk]),
            start_again_url=reverse("ballots:ballot_open_confirm", args=[self.ballot.pk]),
            cancel_url=self.manage_url(),
        )
        response = TemplateResponse(self.request, "ballots/officer/key_handover.html", context, status=status)
        return no_store(response)


class BallotKeyHandoverView(KeyPageMixin, TemplateView):
    """POST from the open confirmation page: make the key pair and show the key, once. Opens nothing."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if request.POST.get("confirm") != CONFIRMED:
            messages.info(request, "Nothing has changed: confirm on this page to go ahead.")
            return HttpResponseRedirect(reverse("ballots:ballot_open_confirm", args=[self.ballot.pk]))
        try:
            services.ballot_open_check(ballot=self.ballot)
        except (BallotStateError, ValidationError) as error:
            return self.refused(refusal_text(error))
        custody = KeyCustodyForm(request.POST)
        if not custody.is_valid():
            context = self.get_context_data(
                form=custody,
                action_url=reverse("ballots:ballot_open", args=[self.ballot.pk]),
                cancel_url=self.manage_url(),
                **open_confirm_context(self.ballot),
            )
            return TemplateResponse(request, "ballots/officer/confirm_open.html", context, status=400)
        private_key = ballot_key_generate()
        handover = KeyHandover(
            ballot_id=self.ballot.pk,
            public_key=public_key_of(private_key),
            key_custody=custody.cleaned_data["key_custody"],
            key_holders=custody.holders(),
        )
        form = KeyConfirmForm(initial={"token": handover_token_make(handover, user_id=request.user.pk)})
        return self.key_page(handover=handover, form=form, blocks=key_blocks(self.ballot, private_key, handover))


class BallotOpenWithKeyView(KeyPageMixin, TemplateView):
    """POST from the key's page: the key entered back; if it is the one shown, open the ballot sealed to it."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            handover = handover_token_read(
                request.POST.get("token", ""), ballot_id=self.ballot.pk, user_id=request.user.pk
            )
        except HandoverTokenInvalid:
            return self.key_page(handover=None, status=400)
        form = KeyConfirmForm(request.POST, request.FILES)
        if form.is_valid() and public_key_of(form.cleaned_data["private_key"]) != handover.public_key:
            form.add_error("key_text", _not_this_key(form.cleaned_data["private_key"], handover))
        if not form.is_valid():
            return self.key_page(handover=handover, form=form, status=400)
        try:
            services.ballot_open(
                ballot=self.ballot,
                public_key=handover.public_key,
                key_custody=handover.key_custody,
                key_holders=handover.key_holders,
                actor=request.user,
            )
        except (BallotStateError, ValidationError) as error:
            return self.refused(refusal_text(error))
        kept = "its shares" if handover.key_custody == KeyCustody.SHARES else "the key"
        messages.success(
            request,
            f"The ballot is open, its votes sealed to key {key_fingerprint(handover.public_key)}. Keep {kept} "
            "safe until the votes are counted. Now issue the voting codes.",
        )
        return HttpResponseRedirect(self.manage_url())


def _not_this_key(private_key: bytes, handover: KeyHandover) -> str:
    return (
        f"That is not the key shown for this ballot: what you entered is key "
        f"{key_fingerprint(public_key_of(private_key))}, and the one shown was "
        f"{key_fingerprint(handover.public_key)}. Enter the key, or two of the shares, from the page shown "
        "when you chose to open the ballot."
    )

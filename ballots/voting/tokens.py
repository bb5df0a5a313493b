"""The vote token: what the voting pages carry from step to step instead of a server-side session.

Once a member's number and code have been checked, every later page holds them in one hidden
field, sealed with PyNaCl's SecretBox (XSalsa20-Poly1305: encrypted, so the code never appears
in a page in clear, and authenticated, so a token cannot be altered or made up without the
key). The key is derived from SECRET_KEY for this one purpose. A token also carries when it
was issued, and is refused once TOKEN_LIFETIME has passed, and the constituency's name and the
sitting MP, so the receipt page can be made with no database query after the vote is written.
It also carries where the check found the member (`RollPlace`: the roll entry, its ward and the
ballot's sealing key), so the cast can seal the vote and write it in one statement.

A token proves only that the number and code were checked when it was issued: each step
checks them again (casting does so inside the vote's own statement, against the code's stored
hash and the ballot's state and key as they are then). Nothing here is stored.
"""

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

import nacl.exceptions
import nacl.secret
import nacl.utils
from django.conf import settings
from django.utils import timezone

# A member has this long from entering their code to casting their vote; the pages say so.
TOKEN_LIFETIME = dt.timedelta(minutes=60)
TOKEN_LIFETIME_MINUTES = 60
# Generous for two 200-character names in any script, far below anything worth abusing.
TOKEN_MAX_CHARS = 4096
# A token "issued" this far in the future is refused: the key's holder never makes one.
CLOCK_SKEW = dt.timedelta(minutes=5)
_VERSION = 2
_FIELDS = 10
_URLSAFE_BASE64 = re.compile(r"[A-Za-z0-9_-]+")


class VoteTokenInvalid(Exception):
    """A token that cannot be used; `reason` is "expired" or "invalid"."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class RollPlace:
    """Where a checked member's vote goes: their roll entry, its ward, and the ballot's sealing key."""

    roll_entry_id: int
    ward_id: int
    seal_public_key: str


@dataclass(frozen=True)
class VoteToken:
    ballot_id: int
    membership_number: str
    code: str
    issued_at: dt.datetime
    constituency_name: str
    sitting_mp: str
    place: RollPlace


def _box() -> nacl.secret.SecretBox:
    key = hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=32, person=b"vote-token").digest()
    return nacl.secret.SecretBox(key)


def vote_token_make(
    *,
    ballot_id: int,
    membership_number: str,
    code: str,
    constituency_name: str,
    sitting_mp: str,
    place: RollPlace,
    now=None,
) -> str:
    """A sealed token for these checked credentials, as URL-safe base64 without padding."""
    issued_at = int((now or timezone.now()).timestamp())
    payload = json.dumps(
        [
            _VERSION,
            ballot_id,
            membership_number,
            code,
            issued_at,
            constituency_name,
            sitting_mp,
            place.roll_entry_id,
            place.ward_id,
            place.seal_public_key,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    sealed = _box().encrypt(payload, nacl.utils.random(nacl.secret.SecretBox.NONCE_SIZE))
    return base64.urlsafe_b64encode(bytes(sealed)).rstrip(b"=").decode("ascii")


def _opened(text: str) -> list:
    if not isinstance(text, str) or not 0 < len(text) <= TOKEN_MAX_CHARS or not _URLSAFE_BASE64.fullmatch(text):
        raise VoteTokenInvalid("invalid")
    try:
        sealed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        # Only the one spelling we make: unused low bits of the last character must be zero.
        if base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii") != text:
            raise VoteTokenInvalid("invalid")
        payload = _box().decrypt(sealed)
        fields = json.loads(payload.decode("utf-8"))
    except (binascii.Error, nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise VoteTokenInvalid("invalid") from error
    if not isinstance(fields, list) or len(fields) != _FIELDS or fields[0] != _VERSION:
        raise VoteTokenInvalid("invalid")
    return fields


def vote_token_read(text: str, now=None) -> VoteToken:
    """The token's contents; VoteTokenInvalid (and nothing else) if it is not one we made or has expired."""
    _, ballot_id, number, code, issued_at, constituency_name, sitting_mp, entry_id, ward_id, key = _opened(text)
    # Made only by vote_token_make with this key, so the types hold; checked anyway, cheaply.
    if not (
        all(type(value) is int for value in (ballot_id, issued_at, entry_id, ward_id))
        and all(isinstance(value, str) for value in (number, code, constituency_name, sitting_mp, key))
    ):
        raise VoteTokenInvalid("invalid")
    now = now or timezone.now()
    try:
        issued = dt.datetime.fromtimestamp(issued_at, tz=dt.UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise VoteTokenInvalid("invalid") from error
    if issued > now + CLOCK_SKEW:
        raise VoteTokenInvalid("invalid")
    if now - issued > TOKEN_LIFETIME:
        raise VoteTokenInvalid("expired")
    return VoteToken(
        ballot_id=ballot_id,
        membership_number=number,
        code=code,
        issued_at=issued,
        constituency_name=constituency_name,
        sitting_mp=sitting_mp,
        place=RollPlace(roll_entry_id=entry_id, ward_id=ward_id, seal_public_key=key),
    )

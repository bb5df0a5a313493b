"""Voting codes and receipt codes: generation, normalisation and keyed hashing.

Codes are shown once (on the mail-merge CSV or in the email) and only their HMAC is stored.
The alphabet leaves out look-alike characters (0/O, 1/I/L), so a code read off paper types
back right; 16 characters of 31 give about 79 bits.
"""

import hashlib
import hmac
import secrets

from django.conf import settings

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16
CODE_GROUP = 4
RECEIPT_LENGTH = 12


def _grouped(raw: str) -> str:
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP))


def _random(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def code_normalise(text: str) -> str:
    """Upper-case and drop spaces and hyphens, so 'abcd efgh-…' matches 'ABCD-EFGH-…'."""
    return "".join(ch for ch in (text or "").upper() if ch not in " -\t\r\n")


def voting_code_generate() -> str:
    return _grouped(_random(CODE_LENGTH))


def receipt_code_generate() -> str:
    return _grouped(_random(RECEIPT_LENGTH))


def _keyed_hash(purpose: str, ballot_id: int, code: str) -> str:
    message = f"{purpose}:{ballot_id}:{code_normalise(code)}".encode()
    return hmac.new(settings.VOTING_CODE_KEY.encode(), message, hashlib.sha256).hexdigest()


def voting_code_hash(*, ballot_id: int, code: str) -> str:
    return _keyed_hash("vote", ballot_id, code)


def voting_code_matches(*, ballot_id: int, code: str, code_hash: str) -> bool:
    if not code_hash:
        return False
    return hmac.compare_digest(voting_code_hash(ballot_id=ballot_id, code=code), code_hash)


def receipt_hash(*, ballot_id: int, receipt: str) -> str:
    return _keyed_hash("receipt", ballot_id, receipt)

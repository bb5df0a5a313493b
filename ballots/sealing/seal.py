"""Sealing one vote to its ballot's public key, and opening sealed votes at the count.

A vote's sealed form is a libsodium sealed box (an anonymous sender's X25519 key and
XSalsa20-Poly1305) of a fixed-length message: a format version, the ballot's id, the ward
branch's id and the choice. Every sealed vote of every ballot has the same length
(`SEALED_LENGTH`), so the stored bytes say nothing of the choice; only the private key opens
them, and an altered box, or one moved from another ballot, fails to open.
"""

import struct

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

_MESSAGE = struct.Struct(">BQQB")
_VERSION = 1
_CHOICES = {"reselect": 1, "open": 2}
_CHOICE_OF = {code: choice for choice, code in _CHOICES.items()}
# A sealed box adds the sender's 32-byte public key and a 16-byte tag to the message.
SEALED_LENGTH = _MESSAGE.size + 48


class SealBroken(ValueError):
    """A sealed vote that the key does not open, or that opens to something that is not a vote."""


def vote_seal(*, public_key: str, ballot_id: int, ward_id: int, choice: str) -> bytes:
    """`choice` in `ward_id` sealed to the ballot's public key (hex)."""
    message = _MESSAGE.pack(_VERSION, ballot_id, ward_id, _CHOICES[choice])
    return SealedBox(PublicKey(bytes.fromhex(public_key))).encrypt(message)


class VoteOpener:
    """Opens the sealed votes of one ballot with its private key (the key is set up once)."""

    def __init__(self, *, private_key: bytes, ballot_id: int):
        self._box = SealedBox(PrivateKey(private_key))
        self._ballot_id = ballot_id

    def open(self, sealed: bytes) -> tuple[int, str]:
        """(ward id, choice) of one sealed vote; SealBroken if it is not one of this ballot's."""
        try:
            message = self._box.decrypt(bytes(sealed))
            version, ballot_id, ward_id, code = _MESSAGE.unpack(message)
        except (CryptoError, struct.error) as error:
            raise SealBroken("a sealed vote does not open with this key") from error
        if version != _VERSION or ballot_id != self._ballot_id or code not in _CHOICE_OF:
            raise SealBroken("a sealed vote is not a vote of this ballot")
        return ward_id, _CHOICE_OF[code]

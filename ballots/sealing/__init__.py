"""Sealed ballots: the ballot's key pair, its text form (whole or in shares) and the sealing of each vote.

`keys` makes the key pair when a ballot opens and writes the private half as text for its
officer (or as shares for its trustees); `shamir` splits and joins the shares; `seal` seals a
vote to the ballot's public key and opens it again at the count. The server keeps only the
public half.
"""

from ballots.sealing.keys import (
    KeyTextError,
    ballot_key_generate,
    key_fingerprint,
    key_recover,
    key_share_texts,
    key_text,
    public_key_of,
)
from ballots.sealing.seal import SEALED_LENGTH, SealBroken, VoteOpener, vote_seal

__all__ = [
    "SEALED_LENGTH",
    "KeyTextError",
    "SealBroken",
    "ballot_key_generate",
    "key_fingerprint",
    "key_recover",
    "key_share_texts",
    "key_text",
    "public_key_of",
    "vote_seal",
    "VoteOpener",
]

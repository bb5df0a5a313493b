"""A ballot's sealing key pair and the text form of its private half: whole, or in shares.

The key pair is made when a ballot opens (X25519, libsodium through PyNaCl). The server keeps
the public half; the private half is shown once as text, for the officer to keep in a file or
on paper, or split into shares for trustees of which any two join it (`shamir`).

Text form: 35 bytes written as 14 groups of four characters of Crockford's base32 (digits and
capitals without I, L, O and U, so a key read off paper types back right; typed O, I and L
are read as 0, 1 and 1). The bytes are a kind (the high four bits say how many shares are
needed, 1 for a whole key; the low four bits are the share's number), the 32 bytes of key or
share, and a 2-byte check that catches a mistyped group.
"""

import hashlib
import re
from collections.abc import Iterable

from nacl.public import PrivateKey

from ballots.sealing.shamir import secret_join, secret_split

KEY_BYTES = 32
TEXT_GROUPS = 14
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = {"O": "0", "I": "1", "L": "1"}
_VALUE = {char: index for index, char in enumerate(_ALPHABET)}
_WHOLE = 0x10
SHARES_MADE = 3
SHARES_NEEDED = 2
_NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


class KeyTextError(ValueError):
    """Text that is not a usable key, with words fit to show the officer."""


def ballot_key_generate() -> bytes:
    """A new private key (32 random bytes)."""
    return bytes(PrivateKey.generate())


def public_key_of(private: bytes) -> str:
    """The public half of `private`, as 64 hex digits (what the ballot stores)."""
    return bytes(PrivateKey(private).public_key).hex()


def _encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    chars = len(data) * 8 // 5
    text = "".join(_ALPHABET[(number >> (5 * (chars - 1 - index))) & 31] for index in range(chars))
    return "-".join(text[index : index + 4] for index in range(0, len(text), 4))


def _decode(text: str, length: int) -> bytes:
    number = 0
    for char in text:
        number = (number << 5) | _VALUE[char]
    return number.to_bytes(length, "big")


def _check(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=2, person=b"ballot-key-text").digest()


def _text(kind: int, payload: bytes) -> str:
    body = bytes([kind]) + payload
    return _encode(body + _check(body))


def key_fingerprint(public_key: str) -> str:
    """Eight characters naming a public key, to tell keys apart on a page (not secret)."""
    digest = hashlib.blake2b(bytes.fromhex(public_key), digest_size=5, person=b"ballot-key-print").digest()
    return _encode(digest)


def key_text(private: bytes) -> str:
    """The whole private key as text."""
    return _text(_WHOLE, private)


def key_share_texts(private: bytes, *, shares: int = SHARES_MADE, needed: int = SHARES_NEEDED) -> list[str]:
    """The private key split into `shares` texts, any `needed` of which recover it."""
    return [
        _text(needed << 4 | number, values) for number, values in secret_split(private, shares=shares, needed=needed)
    ]


def _groups_runs(text: str) -> list[list[str]]:
    """Runs of consecutive four-character groups in `text` (a 56-character block counts as 14 groups)."""
    runs: list[list[str]] = [[]]
    for word in re.findall(r"[0-9A-Za-z]+", text):
        word = "".join(_READ_AS.get(char, char) for char in word.upper())
        if len(word) == 4 * TEXT_GROUPS and all(char in _VALUE for char in word):
            runs.append([word[index : index + 4] for index in range(0, len(word), 4)])
            runs.append([])
        elif len(word) == 4 and all(char in _VALUE for char in word):
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _piece(groups: list[str]) -> tuple[int, bytes] | None:
    """(kind, payload) of 14 groups, or None when their check fails."""
    data = _decode("".join(groups), 35)
    body, check = data[:-2], data[-2:]
    if _check(body) != check:
        return None
    return body[0], body[1:]


def _pieces(texts: Iterable[str]) -> tuple[list[tuple[int, bytes]], list[str]]:
    """Every key or share found in `texts`, and what was wrong with what looked like one but was not.

    Text around a key (the ballot's name, a trustee's, a date) may hold four-character words
    too, so a run of groups is searched for any 14 in a row whose check holds; only a run with
    no key in it, and long enough to have been meant as one, is reported as a mistake.
    """
    pieces, problems = [], []
    for text in texts:
        for run in _groups_runs(text):
            start, found = 0, False
            while start + TEXT_GROUPS <= len(run):
                piece = _piece(run[start : start + TEXT_GROUPS])
                if piece is None:
                    start += 1
                    continue
                pieces.append(piece)
                found = True
                start += TEXT_GROUPS
            if found or len(run) < TEXT_GROUPS - 4:
                continue
            if len(run) == TEXT_GROUPS:
                problems.append(
                    "A key or share has a mistake in it: check each group of four characters against the "
                    "printed or saved copy."
                )
            else:
                problems.append(
                    f"A key or share has {TEXT_GROUPS} groups of four characters, but {len(run)} were found "
                    "together. Check that none is missing or doubled."
                )
    return pieces, problems


def key_recover(texts: Iterable[str]) -> bytes:
    """The private key from its text: the whole key, or enough shares. Raises KeyTextError."""
    pieces, problems = _pieces(texts)
    if not pieces:
        raise KeyTextError(
            problems[0]
            if problems
            else f"Enter the ballot's key, or two of its shares: each is {TEXT_GROUPS} groups of four characters."
        )
    whole = [payload for kind, payload in pieces if kind == _WHOLE]
    if whole:
        if any(payload != whole[0] for payload in whole):
            raise KeyTextError("Two different keys were entered: enter only this ballot's key.")
        return whole[0]
    shares: dict[int, bytes] = {}
    for kind, payload in pieces:
        needed, number = kind >> 4, kind & 15
        if needed < 2 or number == 0:
            raise KeyTextError("This is not a ballot key or share. Check you copied the right text.")
        if number in shares and shares[number] != payload:
            raise KeyTextError(f"Two different share {number}s were entered: they cannot come from the same key.")
        shares[number] = payload
    needed = max(kind >> 4 for kind, _ in pieces)
    if len(shares) < needed:
        if problems:
            raise KeyTextError(problems[0])
        which = ", ".join(str(number) for number in sorted(shares))
        words = _NUMBER_WORDS.get(needed, str(needed))
        raise KeyTextError(f"Only share {which} was entered: {words} different shares are needed to open the votes.")
    return secret_join(sorted(shares.items())[:needed])

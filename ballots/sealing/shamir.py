"""Shamir's secret sharing over GF(256), byte by byte: split a secret so that any `needed` shares join it.

Each byte of the secret is the constant term of a random polynomial of degree `needed - 1`;
share x holds the polynomial's value at x (1 to 255) for every byte. Fewer than `needed`
shares say nothing about the secret: for every possible secret there is exactly one
polynomial through them. Arithmetic is in the field of the AES polynomial x^8+x^4+x^3+x+1.
"""

import secrets

_EXP = [0] * 510
_LOG = [0] * 256


def _tables() -> None:
    value = 1
    for power in range(255):
        _EXP[power] = value
        _LOG[value] = power
        # Multiply by the generator 3 (= x + 1): value*2 xor value, reduced.
        doubled = value << 1
        if doubled & 0x100:
            doubled ^= 0x11B
        value = doubled ^ value
    for power in range(255, 510):
        _EXP[power] = _EXP[power - 255]


_tables()


def _mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


def _div(a: int, b: int) -> int:
    if b == 0:
        raise ZeroDivisionError("division by zero in GF(256)")
    if a == 0:
        return 0
    return _EXP[_LOG[a] + 255 - _LOG[b]]


def secret_split(secret: bytes, *, shares: int, needed: int) -> list[tuple[int, bytes]]:
    """`shares` (number, bytes) pairs, numbered from 1, any `needed` of which join to `secret`."""
    if not 1 <= needed <= shares <= 255:
        raise ValueError("need 1 <= needed <= shares <= 255")
    coefficients = [secrets.token_bytes(len(secret)) for _ in range(needed - 1)]
    split = []
    for x in range(1, shares + 1):
        values = bytearray()
        for index, byte in enumerate(secret):
            # Horner's rule, highest coefficient first.
            value = 0
            for coefficient in reversed(coefficients):
                value = _mul(value, x) ^ coefficient[index]
            values.append(_mul(value, x) ^ byte)
        split.append((x, bytes(values)))
    return split


def secret_join(shares: list[tuple[int, bytes]]) -> bytes:
    """The secret from `needed` or more distinct shares (Lagrange interpolation at 0)."""
    numbers = [x for x, _ in shares]
    if not shares or len(set(numbers)) != len(numbers) or not all(1 <= x <= 255 for x in numbers):
        raise ValueError("shares must be distinct and numbered 1 to 255")
    length = len(shares[0][1])
    if any(len(values) != length for _, values in shares):
        raise ValueError("shares must be of the same length")
    weights = []
    for x_i in numbers:
        weight = 1
        for x_j in numbers:
            if x_j != x_i:
                weight = _mul(weight, _div(x_j, x_j ^ x_i))
        weights.append(weight)
    secret = bytearray(length)
    for weight, (_, values) in zip(weights, shares, strict=True):
        for index, byte in enumerate(values):
            secret[index] ^= _mul(weight, byte)
    return bytes(secret)

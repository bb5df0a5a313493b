"""Two-factor login: the half-way state between password and code, devices, and their reset.

With OFFICER_TWO_FACTOR on, a correct password does not sign anyone in. It leaves a *pending*
login in the session (the user, the hash of their password, where they were going, and when),
and the session stays anonymous: no officer page, no admin page, no officer figure on a
results page can be reached by it. The code page (or, for an account with no authenticator
yet, the enrolment page) finishes the login with Django's `login` and django-otp's, so the
session is both authenticated and verified. The pending login lasts PENDING_SECONDS.

Every account on the site is an officer's or an administrator's, so every account needs the
code when the setting is on. Whether a signed-in session has passed it is
`members.access.session_is_verified`, the one check that officer pages, the admin and the
session middleware share.
"""

import time
from base64 import b32encode
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.db import transaction
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from members.services import audit_record

PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 10 * 60
LAST_SEEN_KEY = "last_seen"
DEVICE_NAME = "Authenticator app"


@dataclass(frozen=True)
class PendingLogin:
    user: object
    backend: str
    next_url: str


def two_factor_required() -> bool:
    """Whether a password alone no longer signs anyone in."""
    return bool(settings.OFFICER_TWO_FACTOR)


def pending_login_begin(request, *, user, next_url: str) -> None:
    """After a correct password: remember who is half-way in, in a fresh session key."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "hash": user.get_session_auth_hash(),
        "backend": getattr(user, "backend", None) or settings.AUTHENTICATION_BACKENDS[0],
        "next": next_url,
        "at": int(time.time()),
    }


def pending_login(request) -> PendingLogin | None:
    """The half-way login of this session, or None (none, expired, or the account has changed)."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    try:
        started = int(data["at"])
        user = get_user_model().objects.filter(pk=data["user"], is_active=True).first()
    except (KeyError, TypeError, ValueError):
        return None
    if user is None or time.time() - started > PENDING_SECONDS or user.get_session_auth_hash() != data.get("hash"):
        return None
    return PendingLogin(user=user, backend=str(data.get("backend")), next_url=str(data.get("next") or "/"))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(request, *, pending: PendingLogin) -> TOTPDevice:
    """The authenticator being set up, not yet saved: the same secret on every visit.

    Its secret waits in the session until the first right code confirms it, so looking at the
    page writes nothing to the database.
    """
    data = request.session[PENDING_KEY]
    key = data.get("enrol_key")
    if not isinstance(key, str) or len(key) != 40:
        key = default_key()
        data["enrol_key"] = key
        request.session.modified = True
    return TOTPDevice(user=pending.user, name=DEVICE_NAME, key=key, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as an app's "enter a key" screen wants it: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def secret_qr_svg(device: TOTPDevice) -> str:
    """The otpauth address as an inline SVG QR code (made here: nothing leaves the server)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff")


def code_is_right(device: TOTPDevice, code: str) -> bool:
    """Whether `code` is the device's current one (a code once used is never taken again)."""
    if not code.isascii() or not code.isdigit():
        return False
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return bool(locked.verify_token(code))


def pending_login_finish(request, *, pending: PendingLogin, device: TOTPDevice) -> None:
    """Both factors passed: sign the user in, marking the session as verified by `device`."""
    request.session.pop(PENDING_KEY, None)
    auth_login(request, pending.user, backend=pending.backend)
    otp_login(request, device)


def enrolment_code_is_right(device: TOTPDevice, code: str) -> bool:
    """Whether `code` is the new authenticator's current one; remembers its time step if so."""
    if not code.isascii() or not code.isdigit():
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=device.tolerance):
        return False
    device.last_t = totp.t()  # so the same code cannot be used again to log in
    return True


@transaction.atomic
def two_factor_enrolment_confirm(*, device: TOTPDevice) -> TOTPDevice:
    """A right code from a new authenticator: it becomes the account's one device."""
    TOTPDevice.objects.filter(user=device.user).delete()
    device.confirmed = True
    device.save()
    audit_record(action="two_factor_enrolled", actor=device.user, detail={"officer": device.user.get_username()})
    return device


@transaction.atomic
def two_factor_reset(*, user, actor=None, reason: str = "") -> int:
    """Remove every authenticator of `user` (a lost phone): their next login sets up a new one.

    Sessions verified by a removed device stop being verified at once (the session middleware
    then logs them out). Returns how many devices were removed; always audited.
    """
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    audit_record(
        action="two_factor_reset",
        actor=actor,
        detail={"officer": user.get_username(), "devices_removed": len(devices), "reason": reason},
    )
    return len(devices)

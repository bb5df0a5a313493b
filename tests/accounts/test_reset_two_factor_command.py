"""`reset_two_factor`: a lost phone. The devices go, the reset is audited, sessions stop counting."""

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.models import AuditEvent
from tests.accounts.conftest import code_of, password_step


def test_the_command_removes_the_officers_authenticator_and_is_audited(officer, device, capsys):
    call_command("reset_two_factor", officer.username, "--reason", "lost phone")

    assert not TOTPDevice.objects.filter(user=officer).exists()
    event = AuditEvent.objects.get(action="two_factor_reset")
    assert event.detail == {"officer": officer.username, "devices_removed": 1, "reason": "lost phone"}
    assert "Removed 1 authenticator of officer" in capsys.readouterr().out


def test_after_a_reset_the_officer_is_logged_out_and_sets_up_a_new_one(client, officer, device, two_factor_on):
    password_step(client, officer)
    client.post("/accounts/two-factor/", {"code": code_of(device.bin_key)})
    assert client.get("/constituencies/").status_code == 200

    call_command("reset_two_factor", officer.username, verbosity=0)

    assert client.get("/constituencies/").status_code == 302
    assert password_step(client, officer)["Location"] == "/accounts/two-factor/set-up/"


def test_an_unknown_username_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no account with the username 'ghost'") as raised:
        call_command("reset_two_factor", "ghost")
    assert raised.value.returncode == 2

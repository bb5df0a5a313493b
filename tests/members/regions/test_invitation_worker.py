"""Invitations sent by the real database worker to a real mail server (aiosmtpd): the queued
task holds the invitation's id only, the emailed link works, and a refusal is recorded."""

import re

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from members.models import Invitation
from tests.ballots.officer.delivery.delivery_checks import run_db_worker
from tests.factories import ConstituencyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _invite(client, region, email, constituency):
    data = {"email": email, "role": "officer", "constituency": constituency.pk}
    return client.post(reverse("members:region_people", args=[region.pk]), data)


def test_the_worker_emails_a_link_that_works_and_nothing_queued_or_stored_holds_it(
    regional_client,
    client,
    region,
    smtp_server,
    database_tasks,
):
    constituency = ConstituencyFactory(region=region, name="Hythe")
    assert _invite(regional_client, region, "Officer@Example.org", constituency).status_code == 302
    invitation = Invitation.objects.get()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [invitation.pk], "kwargs": {}}
    assert smtp_server.count() == 0

    run_db_worker()

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value == {"sent": 1, "failed": 0}
    [(to, body)] = smtp_server.messages
    assert to == "officer@example.org"
    assert "Hythe" in body
    token = re.search(r"/invitations/([^/\s]+)/", body).group(1)
    stored = repr(list(DBTaskResult.objects.values())) + repr(list(Invitation.objects.values()))
    assert token not in stored
    invitation.refresh_from_db()
    assert invitation.sent_at is not None and invitation.send_failure == ""

    client.logout()
    page = client.get(reverse("members:invitation_accept", args=[token]))
    assert page.status_code == 200
    assert "officer@example.org" in page.content.decode()


def test_a_refused_address_is_recorded_and_shown_on_the_people_page(
    regional_client,
    region,
    smtp_server,
    database_tasks,
):
    constituency = ConstituencyFactory(region=region)
    smtp_server.refused.add("nobody@example.org")
    _invite(regional_client, region, "nobody@example.org", constituency)

    run_db_worker()

    invitation = Invitation.objects.get()
    assert invitation.sent_at is None
    assert invitation.send_failure.startswith("The mail server refused it")
    assert DBTaskResult.objects.get().return_value == {"sent": 0, "failed": 1}
    page = regional_client.get(reverse("members:region_people", args=[region.pk])).content.decode()
    assert "Not sent: The mail server refused it" in page

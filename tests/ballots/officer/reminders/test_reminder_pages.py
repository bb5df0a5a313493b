"""The reminders page: counts of who is yet to vote, send now, schedule (typed or a quick choice),
cancel, the link to letters for those without an email; officers of the ballot only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ballots.models import CodeReminder, LetterPack
from members.models import Member

pytestmark = pytest.mark.django_db


def url(name, ballot, *args):
    return reverse(f"ballots:{name}", args=[ballot.pk, *args])


def local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_codes_page_links_to_the_reminders_page(officer_client, open_ballot):
    page = officer_client.get(url("ballot_codes", open_ballot)).content.decode()

    assert f'href="{url("reminders", open_ballot)}"' in page


def test_the_page_counts_who_is_yet_to_vote_and_links_to_letters_for_those_without_email(officer_client, open_ballot):
    member = Member.objects.filter(roll_entries__ballot=open_ballot).first()
    Member.objects.filter(pk=member.pk).update(email="")

    page = officer_client.get(url("reminders", open_ballot)).content.decode()

    assert "<dt>Yet to vote, with an email address</dt><dd>8</dd>" in page
    assert "<dt>Yet to vote, with no email address</dt><dd>1</dd>" in page
    assert f'href="{url("letters", open_ballot)}?selection=no_email"' in page


def test_the_letters_page_opens_with_the_group_the_link_chose(officer_client, open_ballot):
    page = officer_client.get(url("letters", open_ballot) + "?selection=not_voted").content.decode()

    assert 'value="not_voted" id="id_selection_1" required checked' in page


def test_send_now_queues_a_reminder_and_says_so(officer_client, open_ballot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(url("reminders_send_now", open_ballot), follow=True)

    reminder = CodeReminder.objects.get()
    assert reminder.state == "sent"
    assert reminder.sent == 9
    assert "The reminder is on its way" in response.content.decode()


def test_a_quick_choice_schedules_a_reminder_three_days_before_the_close(officer_client, open_ballot):
    response = officer_client.post(url("reminders_schedule", open_ballot), {"preset": "3"}, follow=True)

    reminder = CodeReminder.objects.get()
    assert reminder.send_at == open_ballot.closes_at - dt.timedelta(days=3)
    assert reminder.state == "scheduled"
    page = response.content.decode()
    assert "Reminder scheduled for" in page
    assert "Cancel the reminder of" in page


def test_a_typed_time_in_uk_time_schedules_a_reminder(officer_client, open_ballot):
    moment = (timezone.now() + dt.timedelta(days=2)).replace(second=0, microsecond=0)

    officer_client.post(url("reminders_schedule", open_ballot), {"send_at": local_input(moment)})

    assert CodeReminder.objects.get().send_at == moment


@pytest.mark.parametrize(
    ("send_at", "words"),
    [
        ("", "This field is required"),
        ("not a time", "Enter a valid date/time"),
        ("9999-99-99T99:99", "Enter a valid date/time"),
        ("2001-01-01T10:00", "That time has passed"),
        ("2999-01-01T10:00", "A reminder must go before voting closes"),
    ],
)
def test_a_bad_time_is_a_form_error_not_a_reminder(officer_client, open_ballot, send_at, words):
    response = officer_client.post(url("reminders_schedule", open_ballot), {"send_at": send_at})

    assert response.status_code == 400
    assert words in response.content.decode()
    assert not CodeReminder.objects.exists()


@pytest.mark.parametrize("preset", ["7", "x", "-1"])
def test_a_quick_choice_not_offered_is_refused_in_words(officer_client, open_ballot, preset):
    response = officer_client.post(url("reminders_schedule", open_ballot), {"preset": preset}, follow=True)

    assert "That time has passed" in response.content.decode()
    assert not CodeReminder.objects.exists()


def test_the_officer_cancels_a_scheduled_reminder(officer_client, open_ballot):
    officer_client.post(url("reminders_schedule", open_ballot), {"preset": "1"})
    reminder = CodeReminder.objects.get()

    response = officer_client.post(url("reminders_cancel", open_ballot, reminder.pk), follow=True)

    reminder.refresh_from_db()
    assert reminder.state == "cancelled"
    assert "The reminder is cancelled" in response.content.decode()
    again = officer_client.post(url("reminders_cancel", open_ballot, reminder.pk), follow=True)
    assert "This reminder cannot be cancelled: it is cancelled." in again.content.decode()


def test_reminders_are_refused_once_voting_has_closed(officer_client, open_ballot):
    type(open_ballot).objects.filter(pk=open_ballot.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))

    page = officer_client.get(url("reminders", open_ballot)).content.decode()
    response = officer_client.post(url("reminders_send_now", open_ballot), follow=True)

    assert "Reminders are sent only while voting is open." in page
    assert "Voting has closed" in response.content.decode()
    assert not CodeReminder.objects.exists()


def test_the_reminder_pages_are_for_the_ballots_officers_only(client, open_ballot, other_officer):
    client.force_login(other_officer)

    assert client.get(url("reminders", open_ballot)).status_code == 403
    assert client.post(url("reminders_send_now", open_ballot)).status_code == 403
    assert client.post(url("reminders_schedule", open_ballot), {"preset": "1"}).status_code == 403
    assert not CodeReminder.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, open_ballot):
    response = client.get(url("reminders", open_ballot))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_sending_is_never_done_by_a_get(officer_client, open_ballot):
    assert officer_client.get(url("reminders_send_now", open_ballot)).status_code == 405
    assert not CodeReminder.objects.exists()


def test_a_letter_pack_for_everybody_yet_to_vote_holds_them_all(officer_client, open_ballot):
    officer_client.post(url("letters_request", open_ballot), {"selection": "not_voted"})

    assert LetterPack.objects.get().member_count == 9

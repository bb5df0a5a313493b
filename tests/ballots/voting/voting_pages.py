"""Steps of the members' voting journey as the test client takes them, shared by the voting page tests."""

import re
from urllib.parse import urlencode

WRONG = "We could not match that membership number and voting code. Check both and try again."
ALREADY = "This membership number has already voted in this ballot. Your vote was counted; each member votes once."


def link_to(ballot, number, code):
    """A member's personal voting link, as the email gives it."""
    return "/vote/link/?" + urlencode({"ballot": ballot.pk, "member": number, "code": code})


def token_on(response):
    """The vote token a page carries to the next step."""
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def start(client, ballot, voter, code=None):
    """Enter number and code on /vote/: the reply is the ballot paper itself."""
    return client.post(
        "/vote/",
        {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": code or voter.code},
    )


def confirm(client, paper, value):
    """Tick `value` ("keep" or "open") on the ballot paper and continue to the confirmation."""
    return client.post("/vote/confirm/", {"token": token_on(paper), "choice": value})


def cast_from(client, confirmation, value):
    """Press "Cast my vote" on a confirmation (or on the page saying the vote could not be confirmed)."""
    return client.post("/vote/confirm/", {"token": token_on(confirmation), "choice": value, "cast": "1"})


def vote(client, ballot, voter, value):
    """The whole journey; the reply to "Cast my vote"."""
    return cast_from(client, confirm(client, start(client, ballot, voter), value), value)


def receipt_on(response):
    return re.search(r'id="receipt-code">([A-Z0-9-]+)<', response.content.decode()).group(1)


def votes_recorded(ballot_id):
    """(ward id, choice) of every vote sealed in the ballot, opened with the test run's key as the count would."""
    from ballots.models import SealedVote
    from ballots.sealing import VoteOpener
    from tests.factories import BALLOT_KEY

    opener = VoteOpener(private_key=BALLOT_KEY, ballot_id=ballot_id)
    return [
        opener.open(bytes(sealed))
        for sealed in SealedVote.objects.filter(ballot_id=ballot_id).values_list("sealed", flat=True)
    ]


def choices_recorded(ballot_id):
    return [choice for _, choice in votes_recorded(ballot_id)]

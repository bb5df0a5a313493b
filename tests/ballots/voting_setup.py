"""Set-up shared by the voting tests: an open ballot with a frozen roll and known codes.

Built with factories and RollEntry rows directly (as `ballot_open` would leave them), so the
voting tests stand on their own.
"""

from dataclasses import dataclass

from django.utils import timezone

from ballots.voting.codes import voting_code_generate, voting_code_hash
from ballots.models import RollEntry, TriggerBallot
from tests.factories import MemberFactory, TriggerBallotFactory, WardFactory


@dataclass
class Voter:
    membership_number: str
    code: str
    entry: RollEntry


def open_ballot_with_voters(constituency, *, voters=3, wards=None, **ballot_fields):
    """An open ballot in `constituency` and `voters` members on its roll, each with a code."""
    ballot_fields.setdefault("status", TriggerBallot.Status.OPEN)
    ballot = TriggerBallotFactory(constituency=constituency, **ballot_fields)
    wards = wards or [WardFactory(constituency=constituency)]
    people = []
    for index in range(voters):
        member = MemberFactory(ward=wards[index % len(wards)])
        code = voting_code_generate()
        entry = RollEntry.objects.create(
            ballot=ballot,
            member=member,
            ward=member.ward,
            membership_number=member.membership_number,
            code_hash=voting_code_hash(ballot_id=ballot.pk, code=code),
            code_issued_at=timezone.now(),
        )
        people.append(Voter(member.membership_number, code, entry))
    return ballot, people

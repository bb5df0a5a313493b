"""A round set up from one file: the rows checked against the region, then every draft made at once.

Reading the file on its own (its text, header and each row's values) is round_file.py's; here:

- `round_file_check(region=..., text=...)`: every row as it would be created (`PlannedRow`), or
  every problem, each with its line; three queries, whatever the number of rows.
- `round_create_from_file(...)`: the service. It checks the file again from the start, under a
  lock on the region, and then creates the round, the new constituencies and wards, and one
  draft ballot per row through `ballot_create`, in one transaction: all of it or none of it.

Wards are only ever added here, never deleted: a ward listed for an existing constituency that
it does not have is created, and its wards that the file leaves out are kept as they are.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ballots.models import Round, TriggerBallot
from ballots.officer.services.ballot_lifecycle import ballot_create
from ballots.officer.services.common import Actor, actor_user
from ballots.region.round_file import Problem, RoundFile, round_records, round_row_read
from ballots.region.round_values import SAME_AS_BEFORE, name_clean, shown
from members.imports.values import name_key
from members.models import Constituency, Region, Ward
from members.services import audit_record

ROUND_NAME_MAX: int = Round._meta.get_field("name").max_length or 200
_BUSY = (TriggerBallot.Status.DRAFT, TriggerBallot.Status.OPEN)
_LIST = "list its wards, separated by “;”."


class RoundRefused(Exception):
    """Nothing was created: `problems` say why, in words fit for the regional officer."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problem.reason for problem in problems))
        self.problems = problems


def round_name_problem(*, region: Region, name: str) -> str | None:
    """Why `name` cannot name a new round of `region`, or None."""
    if not name:
        return "Give the round a name."
    if len(name) > ROUND_NAME_MAX:
        return f"A round's name has at most {ROUND_NAME_MAX} characters."
    if Round.objects.filter(region=region, name__iexact=name).exists():
        return f"{region.name} already has a round called “{name}”: choose another name."
    return None


def round_file_check(*, region: Region, text: str) -> RoundFile:
    """Every row of `text` as it would be created in `region`, or every problem, each with its line."""
    records, problems = round_records(text)
    result = RoundFile(problems=problems)
    first_line: dict[str, int] = {}
    for line, cells in records:
        row = round_row_read(line, cells, problems)
        key = name_key(cells["constituency"])
        if key and key in first_line:
            earlier = first_line[key]
            reason = (
                f"“{shown(cells['constituency'])}” is already on line {earlier}: a constituency is in a round once."
            )
            problems.append(Problem(line, "constituency", reason))
            continue
        if key:
            first_line[key] = line
        if row is not None:
            result.rows.append(row)
    _rows_match(region, result)
    result.problems.sort(key=lambda problem: problem.line)
    if result.problems:
        result.rows = []
    return result


def _rows_match(region: Region, result: RoundFile) -> None:
    """Match the rows to the stored constituencies, wards and ballots (three queries)."""
    if not result.rows:
        return
    stored = {name_key(c.name): c for c in Constituency.objects.only("pk", "name", "sitting_mp", "region_id")}
    matched = {row.line: stored.get(name_key(row.name)) for row in result.rows}
    ids = [c.pk for c in matched.values() if c is not None]
    wards: dict[int, list[str]] = {}
    busy: dict[int, str] = {}
    if ids:
        for constituency_id, ward_name in Ward.objects.filter(constituency_id__in=ids).values_list(
            "constituency_id", "name"
        ):
            wards.setdefault(constituency_id, []).append(ward_name)
        busy = dict(
            TriggerBallot.objects.filter(constituency_id__in=ids, status__in=_BUSY, voided_at__isnull=True)
            .order_by("status")
            .values_list("constituency_id", "status")
        )
    problems = result.problems
    for row in result.rows:
        constituency = matched[row.line]
        if constituency is None:
            if row.same_as_before:
                reason = f"“{row.name}” is a new constituency, so there is nothing to keep “{SAME_AS_BEFORE}”: {_LIST}"
                problems.append(Problem(row.line, "wards", reason))
            continue
        if constituency.region_id != region.pk:
            reason = (
                f"“{constituency.name}” already exists and is not a constituency of {region.name}, "
                "so its ballot cannot be part of this round."
            )
            problems.append(Problem(row.line, "constituency", reason))
            continue
        if constituency.pk in busy:
            state = "a draft" if busy[constituency.pk] == TriggerBallot.Status.DRAFT else "an open"
            reason = (
                f"{constituency.name} already has {state} ballot: "
                "finish or void it first, or leave the constituency out of this round."
            )
            problems.append(Problem(row.line, "constituency", reason))
            continue
        row.constituency = constituency
        existing = {name_key(name): name for name in wards.get(constituency.pk, [])}
        if row.same_as_before:
            if not existing:
                reason = (
                    f"{constituency.name} has no wards yet, so there is nothing to keep “{SAME_AS_BEFORE}”: {_LIST}"
                )
                problems.append(Problem(row.line, "wards", reason))
            row.wards_kept = sorted(existing.values(), key=str.casefold)
            continue
        listed = {name_key(name) for name in row.wards_new}
        row.wards_kept = [existing[name_key(name)] for name in row.wards_new if name_key(name) in existing]
        row.wards_new = [name for name in row.wards_new if name_key(name) not in existing]
        row.wards_not_listed = sorted((n for k, n in existing.items() if k not in listed), key=str.casefold)


# --- the service ---------------------------------------------------------------------------


def round_create_from_file(*, actor: Actor, region: Region, name: str, text: str) -> Round:
    """Create round `name` of `region` from the file's `text`: every row's draft ballot, or nothing.

    Raises RoundRefused (nothing created) when the name or any row cannot be used, including
    when something changed since the preview, or when another change got there at the same moment.
    """
    try:
        return _round_create(actor=actor, region=region, name=name_clean(name), text=text)
    except IntegrityError as error:
        reason = (
            "another change to this region's rounds or constituencies was saved at the same moment, so nothing "
            "was created. Upload the file again."
        )
        raise RoundRefused([Problem(0, "", reason)]) from error


@transaction.atomic
def _round_create(*, actor: Actor, region: Region, name: str, text: str) -> Round:
    # One round of a region at a time: a second waits here, then sees what the first made.
    Region.objects.select_for_update().filter(pk=region.pk).first()
    if (problem := round_name_problem(region=region, name=name)) is not None:
        raise RoundRefused([Problem(0, "", problem)])
    checked = round_file_check(region=region, text=text)
    if not checked.ok:
        raise RoundRefused(checked.problems)
    round_ = Round.objects.create(region=region, name=name, created_by=actor_user(actor))
    made = Constituency.objects.bulk_create(
        [Constituency(name=row.name, sitting_mp=row.sitting_mp, region=region) for row in checked.rows if row.is_new]
    )
    by_name = {name_key(constituency.name): constituency for constituency in made}
    for row in checked.rows:
        if row.constituency is None:
            row.constituency = by_name[name_key(row.name)]
    Ward.objects.bulk_create(
        [Ward(constituency=row.constituency, name=ward) for row in checked.rows for ward in row.wards_new]
    )
    ballots = []
    for row in checked.rows:
        assert row.constituency is not None  # every row is matched or made above
        try:
            ballots.append(
                ballot_create(
                    actor=actor,
                    constituency=row.constituency,
                    sitting_mp=row.sitting_mp,
                    freeze_date=row.freeze_date,
                    opens_at=row.opens_at,
                    closes_at=row.closes_at,
                )
            )
        except ValidationError as error:
            raise RoundRefused([Problem(row.line, "", " ".join(error.messages))]) from error
    TriggerBallot.objects.filter(pk__in=[ballot.pk for ballot in ballots]).update(round=round_)
    for ballot in ballots:
        ballot.round = round_
    audit_record(
        action="round_created",
        actor=actor,
        detail={
            "region": region.name,
            "round": name,
            "round_id": round_.pk,
            "ballots": len(ballots),
            "constituencies": [row.name for row in checked.rows],
            "constituencies_created": [constituency.name for constituency in made],
            "wards_created": {row.name: row.wards_new for row in checked.rows if row.wards_new},
        },
    )
    return round_

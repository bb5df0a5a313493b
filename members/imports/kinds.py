"""The two kinds of import, members and affiliates: their columns, how a row is cleaned, how a batch is written."""

from __future__ import annotations

from members.imports.reading import (
    AFFILIATES,
    BATCH_SIZE,
    MEMBERS,
    ImportReport,
    ImportSpec,
    Row,
    RowError,
    date_cell,
    email_cell,
    name_key,
    normalise_header,
    optional_cell,
    required_cell,
)
from members.membership_numbers import membership_number_normalise
from members.models import Affiliate, Member, Ward


class MemberSpec(ImportSpec):
    kind = MEMBERS
    required_columns = ["membership_number", "first_name", "last_name", "ward", "joined_on"]
    optional_columns = ["email", "status"]
    key_column = "membership_number"
    statuses = {"active": "active", "arrears": "arrears", "in arrears": "arrears", "lapsed": "lapsed"}

    def __init__(self, constituency, create_wards, today):
        self.constituency = constituency
        self.create_wards = create_wards
        self.today = today
        self.wards = self._ward_ids()
        self.new_wards: dict[str, str] = {}

    def clean(self, row: Row, errors: list) -> tuple | None:
        """(membership_number, first_name, last_name, email, ward key, joined_on, status); None if invalid."""
        before = len(errors)
        typed = required_cell(row, "membership_number", errors, 32)
        number = membership_number_normalise(typed)
        if len(typed) <= 32 < len(number):  # upper case can be longer: "ß" is "SS"
            errors.append(RowError(row.line, "membership_number", "too long: at most 32 characters."))
        first = required_cell(row, "first_name", errors, 150)
        last = required_cell(row, "last_name", errors, 150)
        email = email_cell(row, "email", errors)
        if len(email) > 254:
            errors.append(RowError(row.line, "email", "too long: at most 254 characters."))
        ward_name = required_cell(row, "ward", errors, 200)
        ward_key = name_key(ward_name)
        if ward_name and ward_key not in self.wards:
            if self.create_wards:
                self.new_wards.setdefault(ward_key, " ".join(ward_name.split()))
            else:
                errors.append(
                    RowError(
                        row.line,
                        "ward",
                        f"unknown ward “{ward_name}” in {self.constituency.name}. Add the ward first, "
                        "or tick “create missing wards”.",
                    )
                )
        joined = date_cell(row, "joined_on", errors, self.today)
        status_text = row.cells.get("status", "")
        status = self.statuses.get(" ".join(status_text.lower().split()) or "active")
        if status is None:
            errors.append(
                RowError(row.line, "status", f"“{status_text}” is not a status: use active, arrears or lapsed.")
            )
        if len(errors) > before:
            return None
        return (number, first, last, email, ward_key, joined, status)

    def foreign_keys(self, keys: list[str]) -> set[str]:
        """Of these membership numbers, those that belong to another constituency's members."""
        return set(
            Member.objects.filter(membership_number__in=keys)
            .exclude(ward__constituency=self.constituency)
            .values_list("membership_number", flat=True)
        )

    foreign_reason = "membership number {key} already belongs to a member in another constituency."

    def prepare_write(self, report: ImportReport) -> None:
        if self.new_wards:
            names = sorted(self.new_wards.values(), key=str.casefold)
            Ward.objects.bulk_create([Ward(constituency=self.constituency, name=name) for name in names])
            report.created_wards = names
            self.wards = self._ward_ids()

    def _ward_ids(self) -> dict[str, int]:
        wards = Ward.objects.filter(constituency=self.constituency).values_list("pk", "name")
        return {name_key(name): pk for pk, name in wards}

    def write_batch(self, batch: list[tuple], columns: set[str], report: ImportReport) -> None:
        existing = Member.objects.filter(membership_number__in=[values[0] for values in batch]).in_bulk(
            field_name="membership_number"
        )
        to_create, to_update = [], []
        for number, first, last, email, ward_key, joined, status in batch:
            ward_id = self.wards[ward_key]
            member = existing.get(number)
            if member is None:
                to_create.append(
                    Member(
                        membership_number=number,
                        first_name=first,
                        last_name=last,
                        email=email,
                        ward_id=ward_id,
                        joined_on=joined,
                        status=status,
                    )
                )
                continue
            # A column left out of the file leaves that field as it was.
            new = {"first_name": first, "last_name": last, "ward_id": ward_id, "joined_on": joined}
            if "email" in columns:
                new["email"] = email
            if "status" in columns:
                new["status"] = status
            if all(getattr(member, name) == value for name, value in new.items()):
                report.unchanged += 1
                continue
            for name, value in new.items():
                setattr(member, name, value)
            to_update.append(member)
        Member.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        if to_update:
            Member.objects.bulk_update(
                to_update, ["first_name", "last_name", "email", "ward", "joined_on", "status"], batch_size=500
            )
        report.created += len(to_create)
        report.updated += len(to_update)


class AffiliateSpec(ImportSpec):
    kind = AFFILIATES
    required_columns = ["name", "kind", "affiliated_on"]
    optional_columns = ["affiliated_members", "delegate_name", "delegate_email"]
    key_column = "name"
    kinds = {
        "trade_union": "trade_union",
        "union": "trade_union",
        "socialist_society": "socialist_society",
        "cooperative": "cooperative",
        "co_operative": "cooperative",
        "co_operative_party": "cooperative",
        "other": "other",
    }

    def __init__(self, constituency, create_wards, today):
        self.constituency = constituency
        self.today = today

    def clean(self, row: Row, errors: list) -> tuple | None:
        before = len(errors)
        name = " ".join(required_cell(row, "name", errors, 200).split())
        kind_text = row.cells.get("kind", "")
        kind = self.kinds.get(normalise_header(kind_text))
        if not kind_text:
            errors.append(RowError(row.line, "kind", "required, but empty."))
        elif kind is None:
            errors.append(
                RowError(
                    row.line,
                    "kind",
                    f"“{kind_text}” is not a kind: use trade_union, socialist_society, cooperative or other.",
                )
            )
        affiliated_on = date_cell(row, "affiliated_on", errors, self.today)
        members_text = row.cells.get("affiliated_members", "").replace(",", "").replace(" ", "")
        affiliated_members = None
        if members_text:
            # isascii: str.isdigit accepts superscripts such as '²', which int() refuses.
            if members_text.isascii() and members_text.isdigit() and len(members_text) < 10:
                affiliated_members = int(members_text)
            else:
                errors.append(
                    RowError(
                        row.line,
                        "affiliated_members",
                        f"“{row.cells['affiliated_members']}” is not a whole number of members.",
                    )
                )
        delegate_name = optional_cell(row, "delegate_name", errors, 200)
        delegate_email = email_cell(row, "delegate_email", errors)
        if len(errors) > before:
            return None
        return (name, kind, affiliated_on, affiliated_members, delegate_name, delegate_email)

    def foreign_keys(self, keys):
        return set()

    foreign_reason = ""

    def prepare_write(self, report):
        pass

    def write_batch(self, batch, columns, report):
        existing = {
            name_key(affiliate.name): affiliate
            for affiliate in Affiliate.objects.filter(constituency=self.constituency)
        }
        to_create, to_update = [], []
        for name, kind, affiliated_on, affiliated_members, delegate_name, delegate_email in batch:
            affiliate = existing.get(name_key(name))
            if affiliate is None:
                to_create.append(
                    Affiliate(
                        constituency=self.constituency,
                        name=name,
                        kind=kind,
                        affiliated_on=affiliated_on,
                        affiliated_members=affiliated_members,
                        delegate_name=delegate_name,
                        delegate_email=delegate_email,
                    )
                )
                continue
            new = {"name": name, "kind": kind, "affiliated_on": affiliated_on}
            for column, value in (
                ("affiliated_members", affiliated_members),
                ("delegate_name", delegate_name),
                ("delegate_email", delegate_email),
            ):
                if column in columns:
                    new[column] = value
            if all(getattr(affiliate, key) == value for key, value in new.items()):
                report.unchanged += 1
                continue
            for key, value in new.items():
                setattr(affiliate, key, value)
            to_update.append(affiliate)
        Affiliate.objects.bulk_create(to_create)
        if to_update:
            Affiliate.objects.bulk_update(
                to_update,
                ["name", "kind", "affiliated_on", "affiliated_members", "delegate_name", "delegate_email"],
            )
        report.created += len(to_create)
        report.updated += len(to_update)

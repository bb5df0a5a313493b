"""The two kinds of import, members and affiliates: how a row is cleaned, compared with what is stored, written.

Each spec's `compare_batch` counts created, updated and unchanged records and lists the
field-level changes; with `write=True` it also saves them (bulk_create, bulk_update). A column
the file does not have leaves that field as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from members.imports.reading import Row
from members.imports.report import AFFILIATES, MEMBERS, FieldChange, ImportReport
from members.imports.values import (
    KIND_ADVICE,
    STATUS_ADVICE,
    ErrorSink,
    date_cell,
    email_cell,
    name_key,
    optional_cell,
    required_cell,
    word_cell,
)
from members.membership_numbers import membership_number_normalise
from members.models import Affiliate, Member, Ward

STATE_CHUNK = 5000
OnChange = Callable[[FieldChange], None] | None


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return f"{value:%d/%m/%Y}"
    return str(value).replace("\n", ", ")


class ImportSpec:
    kind: str
    key_column: str
    optional_columns: list[str]
    foreign_reason = ""

    def __init__(self, constituency: Any, create_wards: bool, today: date, words: dict[str, dict[str, str]]) -> None:
        self.constituency = constituency
        self.create_wards = create_wards
        self.today = today
        self.words = words
        self.present: set[str] = set()  # the fields some column fills

    def key_of(self, text: str) -> str:
        raise NotImplementedError

    def foreign_keys(self, keys: list[str]) -> set[str]:
        return set()

    def prepare_write(self, report: ImportReport) -> None:
        pass

    def _record_change(
        self, report: ImportReport, on_change: OnChange, line: int, key: str, name: str, field: str, old: Any, new: Any
    ) -> None:
        change = FieldChange(line, key, name, field, _shown(old), _shown(new))
        report.change_add(change)
        if on_change is not None:
            on_change(change)


class MemberSpec(ImportSpec):
    kind = MEMBERS
    key_column = "membership_number"
    optional_columns = ["email", "status", "address", "postcode"]
    foreign_reason = "membership number {key} already belongs to a member in another constituency."
    _update_fields = ["first_name", "last_name", "email", "ward", "joined_on", "status", "address", "postcode"]

    def __init__(self, constituency: Any, create_wards: bool, today: date, words: dict[str, dict[str, str]]) -> None:
        super().__init__(constituency, create_wards, today, words)
        self._wards_load()
        self.new_wards: dict[str, str] = {}

    def _wards_load(self) -> None:
        wards = list(Ward.objects.filter(constituency=self.constituency).values_list("pk", "name"))
        self.wards = {name_key(name): pk for pk, name in wards}
        self.ward_names = dict(wards)

    def key_of(self, text: str) -> str:
        return membership_number_normalise(text)

    def clean(self, row: Row, report: ErrorSink) -> tuple | None:
        """(line, number, first, last, email, ward key, joined_on, status, address, postcode); None if invalid."""
        before = report.errors_total
        typed = required_cell(row, "membership_number", report, 32)
        number = membership_number_normalise(typed)
        if len(typed) <= 32 < len(number):  # upper case can be longer: "ß" is "SS"
            report.error_add(row.line, "membership_number", "too long: at most 32 characters.")
        first = required_cell(row, "first_name", report, 150)
        last = required_cell(row, "last_name", report, 150)
        email = email_cell(row, "email", report)
        ward_name = required_cell(row, "ward", report, 200)
        ward_key = name_key(ward_name)
        if ward_name and ward_key not in self.wards:
            if self.create_wards:
                self.new_wards.setdefault(ward_key, " ".join(ward_name.split()))
            else:
                shown = " ".join(ward_name.split())
                report.error_add(
                    row.line,
                    "ward",
                    f"unknown ward “{shown}” in {self.constituency.name}. Add the ward first, "
                    "or tick “create missing wards”.",
                    value=shown,
                    group_reason=f"unknown ward in {self.constituency.name}. Add the ward first, "
                    "or tick “create missing wards”.",
                )
        joined = date_cell(row, "joined_on", report, self.today)
        status = word_cell(row, "status", report, self.words["status"], STATUS_ADVICE, "active")
        address = optional_cell(row, "address", report, 500)
        postcode = " ".join(row.cells.get("postcode", "").upper().split())
        if len(postcode) > 10:
            report.error_add(row.line, "postcode", "too long for a postcode: at most 10 characters.")
        after = report.errors_total
        if after > before:
            return None
        return (row.line, number, first, last, email, ward_key, joined, status, address, postcode)

    def foreign_keys(self, keys: list[str]) -> set[str]:
        """Of these membership numbers, those that belong to another constituency's members."""
        return set(
            Member.objects.filter(membership_number__in=keys)
            .exclude(ward__constituency=self.constituency)
            .values_list("membership_number", flat=True)
        )

    def state_read(self, seen: dict[str, int], report: ImportReport) -> tuple[str, list[int]]:
        """A digest of the constituency's wards and members; the members not in the file (not yet lapsed)."""
        digest = hashlib.sha256()
        for ward in sorted(self.ward_names.items()):
            digest.update(repr(ward).encode())
        missing_pks = []
        fields = ("pk", "membership_number", "first_name", "last_name", "email", "ward_id", "joined_on")
        rows = (
            Member.objects.filter(ward__constituency=self.constituency)
            .order_by("membership_number")
            .values_list(*fields, "status", "address", "postcode")
        )
        for values in rows.iterator(chunk_size=STATE_CHUNK):
            digest.update(repr(values).encode())
            if values[1] not in seen and values[7] != Member.Status.LAPSED:
                missing_pks.append(values[0])
                report.missing_total += 1
                if len(report.missing) < 5000:
                    report.missing.append((values[1], f"{values[2]} {values[3]}".strip()))
        return digest.hexdigest(), missing_pks

    def missing_lapse(self, pks: list[int], report: ImportReport) -> None:
        for start in range(0, len(pks), STATE_CHUNK):
            chunk = pks[start : start + STATE_CHUNK]
            report.missing_lapsed += Member.objects.filter(pk__in=chunk).update(status=Member.Status.LAPSED)

    def prepare_write(self, report: ImportReport) -> None:
        if self.new_wards:
            names = sorted(self.new_wards.values(), key=str.casefold)
            Ward.objects.bulk_create([Ward(constituency=self.constituency, name=name) for name in names])
            report.created_wards = names
            self._wards_load()

    def compare_batch(self, batch: list[tuple], report: ImportReport, write: bool, on_change: OnChange) -> None:
        existing = Member.objects.filter(membership_number__in=[values[1] for values in batch]).in_bulk(
            field_name="membership_number"
        )
        optional = [name for name in self.optional_columns if name in self.present]
        to_create, to_update = [], []
        for line, number, first, last, email, ward_key, joined, status, address, postcode in batch:
            ward_id: Any = self.wards.get(ward_key)  # None: a ward still to be made (a dry run)
            member = existing.get(number)
            if member is None:
                report.created += 1
                if write:
                    to_create.append(
                        Member(
                            membership_number=number,
                            first_name=first,
                            last_name=last,
                            email=email,
                            ward_id=ward_id,
                            joined_on=joined,
                            status=status,
                            address=address,
                            postcode=postcode,
                        )
                    )
                continue
            new = {"first_name": first, "last_name": last, "ward_id": ward_id, "joined_on": joined}
            given = {"email": email, "status": status, "address": address, "postcode": postcode}
            for name in optional:
                new[name] = given[name]
            changed = [(name, value) for name, value in new.items() if getattr(member, name) != value]
            if not changed:
                report.unchanged += 1
                continue
            report.updated += 1
            full_name = f"{first} {last}".strip()
            for name, value in changed:
                old = getattr(member, name)
                if write:
                    setattr(member, name, value)
                shown_name = name
                if name == "ward_id":
                    shown_name, old = "ward", self.ward_names.get(old, "")
                    value = self.ward_names.get(value) or self.new_wards.get(ward_key, "")
                elif name == "status":
                    old, value = Member.Status(old).label, Member.Status(value).label
                self._record_change(report, on_change, line, number, full_name, shown_name, old, value)
            to_update.append(member)
        if write:
            Member.objects.bulk_create(to_create)
            if to_update:
                Member.objects.bulk_update(to_update, self._update_fields, batch_size=500)


class AffiliateSpec(ImportSpec):
    kind = AFFILIATES
    key_column = "name"
    optional_columns = ["affiliated_members", "delegate_name", "delegate_email"]
    _update_fields = ["name", "kind", "affiliated_on", "affiliated_members", "delegate_name", "delegate_email"]

    def key_of(self, text: str) -> str:
        return name_key(text)

    def clean(self, row: Row, report: ErrorSink) -> tuple | None:
        before = report.errors_total
        name = " ".join(required_cell(row, "name", report, 200).split())
        kind = word_cell(row, "kind", report, self.words["kind"], KIND_ADVICE, None)
        affiliated_on = date_cell(row, "affiliated_on", report, self.today)
        members_text = row.cells.get("affiliated_members", "").replace(",", "").replace(" ", "")
        affiliated_members = None
        if members_text:
            # isascii: str.isdigit accepts superscripts such as '²', which int() refuses.
            if members_text.isascii() and members_text.isdigit() and len(members_text) < 10:
                affiliated_members = int(members_text)
            else:
                shown = row.cells["affiliated_members"][:100]
                report.error_add(
                    row.line,
                    "affiliated_members",
                    f"“{shown}” is not a whole number of members.",
                    value=shown,
                    group_reason="not a whole number of members.",
                )
        delegate_name = optional_cell(row, "delegate_name", report, 200)
        delegate_email = email_cell(row, "delegate_email", report)
        after = report.errors_total
        if after > before:
            return None
        return (row.line, name, kind, affiliated_on, affiliated_members, delegate_name, delegate_email)

    def state_read(self, seen: dict[str, int], report: ImportReport) -> tuple[str, list[int]]:
        digest = hashlib.sha256()
        self.existing = {}
        for affiliate in Affiliate.objects.filter(constituency=self.constituency).order_by("pk"):
            digest.update(repr([getattr(affiliate, name) for name in ["pk", *self._update_fields]]).encode())
            self.existing[name_key(affiliate.name)] = affiliate
        return digest.hexdigest(), []

    def missing_lapse(self, pks: list[int], report: ImportReport) -> None:
        pass

    def compare_batch(self, batch: list[tuple], report: ImportReport, write: bool, on_change: OnChange) -> None:
        to_create, to_update = [], []
        optional = [name for name in self.optional_columns if name in self.present]
        for line, name, kind, affiliated_on, affiliated_members, delegate_name, delegate_email in batch:
            affiliate = self.existing.get(name_key(name))
            if affiliate is None:
                report.created += 1
                if write:
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
            given = {
                "affiliated_members": affiliated_members,
                "delegate_name": delegate_name,
                "delegate_email": delegate_email,
            }
            for column in optional:
                new[column] = given[column]
            changed = [(column, value) for column, value in new.items() if getattr(affiliate, column) != value]
            if not changed:
                report.unchanged += 1
                continue
            report.updated += 1
            for column, value in changed:
                old = getattr(affiliate, column)
                if column == "kind":
                    old, value = Affiliate.Kind(old).label, Affiliate.Kind(value).label
                self._record_change(report, on_change, line, name, name, column, old, value)
                if write:
                    setattr(affiliate, column, new[column])
            to_update.append(affiliate)
        if write:
            Affiliate.objects.bulk_create(to_create)
            if to_update:
                Affiliate.objects.bulk_update(to_update, self._update_fields)

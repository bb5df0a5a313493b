"""Constituencies, their ward branches, members and affiliated organisations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

OFFICER_PERMISSION = "members.run_ballots"
OFFICERS_GROUP = "Officers"
REGIONAL_OFFICER_PERMISSION = "members.run_region"
REGIONAL_OFFICERS_GROUP = "Regional officers"
SCRUTINEER_PERMISSION = "members.scrutinise_ballots"
SCRUTINEERS_GROUP = "Scrutineers"


class Region(models.Model):
    """A set of constituencies run together by a regional office (a round of ballots is a region's)."""

    name = models.CharField(max_length=200, unique=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="regions",
        help_text="Regional officers: they run every constituency of the region.",
    )

    class Meta:
        ordering = ["name"]
        permissions = [
            ("run_region", "Can run a region: its constituencies, their officers and its rounds"),
            ("scrutinise_ballots", "Can read the ballots of the constituencies given to them to scrutinise"),
        ]

    def __str__(self):
        return self.name


class Constituency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    sitting_mp = models.CharField("sitting MP", max_length=200)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="constituencies")
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="constituencies",
        help_text="Officers who run this constituency's ballots and see its members.",
    )
    # Scrutineers read its ballots (turnout, the audit log, the provisional result after the
    # close) and change nothing.
    scrutineers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="scrutinised_constituencies",
        help_text="Scrutineers who may read this constituency's ballots and change nothing.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "constituencies"
        permissions = [("run_ballots", "Can run trigger ballots for assigned constituencies")]

    def __str__(self):
        return self.name


class Ward(models.Model):
    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="wards")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["constituency", "name"], name="ward_unique_per_constituency"),
        ]

    def __str__(self):
        return self.name


class Member(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ARREARS = "arrears", "In arrears"
        LAPSED = "lapsed", "Lapsed"

    membership_number = models.CharField(max_length=32, unique=True)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="members")
    joined_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The postal address, for voting-code letters to members without an email: the lines as the
    # export gives them (one per line, without the postcode), and the postcode apart.
    address = models.TextField(blank=True, max_length=500)
    postcode = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "membership_number"]
        indexes = [
            models.Index(fields=["ward", "status", "joined_on"], name="member_eligibility_idx"),
            models.Index(fields=["last_name", "first_name"], name="member_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["active", "arrears", "lapsed"]), name="member_status_valid"),
            models.CheckConstraint(condition=~Q(membership_number=""), name="member_number_not_empty"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.membership_number})"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


class Affiliate(models.Model):
    class Kind(models.TextChoices):
        # Translated where shown: a bilingual ballot's results page names each kind in Welsh.
        TRADE_UNION = "trade_union", gettext_lazy("Trade union")
        SOCIALIST_SOCIETY = "socialist_society", gettext_lazy("Socialist society")
        COOPERATIVE = "cooperative", gettext_lazy("Co-operative Party")
        OTHER = "other", gettext_lazy("Other")

    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="affiliates")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    affiliated_on = models.DateField()
    affiliated_members = models.PositiveIntegerField(null=True, blank=True)
    delegate_name = models.CharField(max_length=200, blank=True)
    delegate_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["constituency", "name"], name="affiliate_unique_per_constituency"),
            models.CheckConstraint(
                condition=Q(kind__in=["trade_union", "socialist_society", "cooperative", "other"]),
                name="affiliate_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name


class AuditEvent(models.Model):
    """Append-only record of every officer action and state change. Never holds a voting code.

    It lives in `members`, the lower layer, so that both apps can record events; a ballot is
    referred to by id because `members` never imports `ballots`.
    """

    constituency = models.ForeignKey(
        Constituency, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    ballot_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")


# --- imports run from the officers' pages: upload, mapping, preview, confirm ------------------


class MemberImport(models.Model):
    """One import of a members or affiliates CSV file, from its upload to its confirmation.

    The file's bytes are kept only until the import is applied (or for a day at most, see
    members/import_runs/), so that the confirmed import is exactly the previewed one.
    """

    class Kind(models.TextChoices):
        MEMBERS = "members", "Members"
        AFFILIATES = "affiliates", "Affiliated organisations"

    class State(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        PREVIEWING = "previewing", "Being previewed"
        PREVIEWED = "previewed", "Previewed"
        APPLYING = "applying", "Being applied"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"
        STALE = "stale", "Out of date"

    class Missing(models.TextChoices):
        LEAVE = "leave", "Leave them as they are"
        LAPSE = "lapse", "Mark them lapsed"

    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    file = models.BinaryField(blank=True, default=b"")
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    column_map = models.JSONField(default=dict, blank=True)
    value_map = models.JSONField(default=dict, blank=True)
    create_wards = models.BooleanField(default=False)
    missing = models.CharField(max_length=6, choices=Missing.choices, default=Missing.LEAVE)
    state = models.CharField(max_length=12, choices=State.choices, default=State.UPLOADED)
    progress_phase = models.CharField(max_length=20, blank=True)
    progress_rows = models.PositiveBigIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    fingerprint = models.CharField(max_length=128, blank=True)
    failure = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    previewed_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["members", "affiliates"]), name="member_import_kind_valid"),
            models.CheckConstraint(
                condition=Q(
                    state__in=["uploaded", "previewing", "previewed", "applying", "applied", "failed", "stale"]
                ),
                name="member_import_state_valid",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"


class MemberImportChange(models.Model):
    """One field-level change an import's preview found: line, whose record, which field, old and new."""

    run = models.ForeignKey(MemberImport, on_delete=models.CASCADE, related_name="changes")
    line = models.PositiveIntegerField()
    key = models.CharField(max_length=200)
    name = models.CharField(max_length=400, blank=True)
    field = models.CharField(max_length=40)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "line", "pk"]
        indexes = [models.Index(fields=["run", "line"], name="member_import_change_idx")]

    def __str__(self):
        return f"line {self.line}: {self.key} {self.field}"


class MemberImportMissing(models.Model):
    """A member of the constituency whom an import's preview did not find in the file."""

    run = models.ForeignKey(MemberImport, on_delete=models.CASCADE, related_name="missing_members")
    membership_number = models.CharField(max_length=32)
    name = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["run", "pk"]

    def __str__(self):
        return f"{self.name} ({self.membership_number})"


class ImportMapping(models.Model):
    """The column and value mapping a constituency's officers last chose, offered at the next upload."""

    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="import_mappings")
    kind = models.CharField(max_length=12, choices=MemberImport.Kind.choices)
    column_map = models.JSONField(default=dict, blank=True)
    value_map = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["constituency", "kind"], name="import_mapping_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.constituency} {self.kind} mapping"


class Invitation(models.Model):
    """An emailed invitation to take a role: regional officer of a region, or officer or scrutineer
    of one of its constituencies. Only a keyed hash of its link's token is kept."""

    class Role(models.TextChoices):
        REGIONAL_OFFICER = "regional_officer", "Regional officer"
        OFFICER = "officer", "Constituency officer"
        SCRUTINEER = "scrutineer", "Scrutineer"

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="invitations")
    constituency = models.ForeignKey(
        Constituency, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    send_failure = models.CharField(max_length=200, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["regional_officer", "officer", "scrutineer"]), name="invitation_role_valid"
            ),
            # An officer or a scrutineer is invited to one constituency; a regional officer to the region.
            models.CheckConstraint(
                condition=(Q(role="regional_officer") & Q(constituency__isnull=True))
                | (Q(role__in=["officer", "scrutineer"]) & Q(constituency__isnull=False)),
                name="invitation_constituency_fits_role",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} invitation for {self.email}"

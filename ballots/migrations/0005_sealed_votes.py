"""Sealed votes: each vote is stored sealed to its ballot's key until the count tallies it per ward.

The votes of ballots already closed or declared become their ward counts (those ballots count
as counted at their close). A ballot open at this moment took its votes in clear, and cannot
now be sealed: the migration stops and asks for it to be closed first.
"""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count


def votes_to_ward_counts(apps, schema_editor):
    TriggerBallot = apps.get_model("ballots", "TriggerBallot")
    MemberVote = apps.get_model("ballots", "MemberVote")
    WardVoteCount = apps.get_model("ballots", "WardVoteCount")
    open_ballots = list(TriggerBallot.objects.filter(status="open").values_list("pk", flat=True))
    if open_ballots:
        raise RuntimeError(
            f"Ballots {', '.join(map(str, open_ballots))} are open, with their votes stored unsealed. Close them "
            "(with the version of the site that opened them) before upgrading: a running ballot cannot be sealed."
        )
    counts = {}
    for ballot_id, ward_id, choice, n in (
        MemberVote.objects.values_list("ballot_id", "ward_id", "choice").annotate(n=Count("*")).order_by()
    ):
        counts.setdefault((ballot_id, ward_id), {"reselect": 0, "open": 0})[choice] = n
    WardVoteCount.objects.bulk_create(
        [WardVoteCount(ballot_id=b, ward_id=w, **tally) for (b, w), tally in counts.items()], batch_size=1000
    )
    for ballot in TriggerBallot.objects.filter(status__in=["closed", "declared"]):
        ballot.counted_at = ballot.closed_at or ballot.declared_at or ballot.closes_at
        ballot.save(update_fields=["counted_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0004_cache_table"),
        ("members", "0003_membership_numbers_canonical"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SealedVote",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("sealed", models.BinaryField()),
            ],
        ),
        migrations.CreateModel(
            name="WardVoteCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reselect", models.PositiveIntegerField(default=0)),
                ("open", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name="triggerballot",
            name="counted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="triggerballot",
            name="counted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="triggerballot",
            name="key_custody",
            field=models.CharField(
                blank=True,
                choices=[
                    ("whole", "One key, kept by the officer"),
                    ("shares", "Three shares held by trustees, any two of which open the votes"),
                ],
                editable=False,
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="triggerballot",
            name="key_holders",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AddField(
            model_name="triggerballot",
            name="seal_public_key",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="triggerballot",
            name="votes_compacted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="sealedvote",
            name="ballot",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="sealed_votes", to="ballots.triggerballot"
            ),
        ),
        migrations.AddField(
            model_name="wardvotecount",
            name="ballot",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="ward_counts", to="ballots.triggerballot"
            ),
        ),
        migrations.AddField(
            model_name="wardvotecount",
            name="ward",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="members.ward"),
        ),
        migrations.AddConstraint(
            model_name="wardvotecount",
            constraint=models.UniqueConstraint(fields=("ballot", "ward"), name="ward_vote_count_once"),
        ),
        migrations.RunPython(votes_to_ward_counts, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="membervote",
            name="ballot",
        ),
        migrations.RemoveField(
            model_name="membervote",
            name="ward",
        ),
        migrations.DeleteModel(
            name="MemberVote",
        ),
        migrations.AddConstraint(
            model_name="triggerballot",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "open"), _negated=True),
                    models.Q(("seal_public_key", ""), _negated=True),
                    _connector="OR",
                ),
                name="ballot_open_has_seal_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="triggerballot",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "declared"), _negated=True), ("counted_at__isnull", False), _connector="OR"
                ),
                name="ballot_declared_counted",
            ),
        ),
        migrations.AddConstraint(
            model_name="triggerballot",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("counted_at__isnull", True), ("status__in", ["closed", "declared"]), _connector="OR"
                ),
                name="ballot_counted_after_close",
            ),
        ),
    ]

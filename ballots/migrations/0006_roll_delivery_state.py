"""Delivery state per roll entry: how each member's voting code is reaching them.

Codes issued before this migration were handed over by a download or an email that nobody
recorded: they count as sent, by a channel unknown, at the time the code was issued.
"""

from django.db import migrations, models


def codes_issued_count_as_sent(apps, schema_editor):
    RollEntry = apps.get_model("ballots", "RollEntry")
    RollEntry.objects.exclude(code_hash="").update(
        delivery_state="sent", delivery_changed_at=models.F("code_issued_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0005_sealed_votes"),
        ("members", "0003_membership_numbers_canonical"),
    ]

    operations = [
        migrations.AddField(
            model_name="rollentry",
            name="delivery_changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="rollentry",
            name="delivery_channel",
            field=models.CharField(
                blank=True, choices=[("email", "Email"), ("letter", "Letter"), ("hand", "By hand")], max_length=16
            ),
        ),
        migrations.AddField(
            model_name="rollentry",
            name="delivery_failure",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="rollentry",
            name="delivery_state",
            field=models.CharField(
                choices=[
                    ("not_sent", "Not sent"),
                    ("queued", "Queued"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                    ("bounced", "Bounced"),
                ],
                default="not_sent",
                max_length=16,
            ),
        ),
        migrations.AddIndex(
            model_name="rollentry",
            index=models.Index(fields=["ballot", "delivery_state"], name="roll_delivery_idx"),
        ),
        migrations.RunPython(codes_issued_count_as_sent, migrations.RunPython.noop),
    ]

"""A vote's write made lighter on PostgreSQL: no index on the roll entry's voted flag or channel,
room left in the roll's pages, and no index of the receipts' own on the ballot.

With no index holding `has_voted` or `vote_channel`, and free space in the page (the
fillfactor), the cast's UPDATE of a roll entry is a HOT update: the new row version is written
beside the old and none of the roll's indexes is touched. The fillfactor applies to pages
written from now on (a roll is written when its ballot opens); it changes nothing on SQLite.
"""

import django.db.models.deletion
from django.db import migrations, models

ROLL_FILLFACTOR = 80


def _fillfactor(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("ballots", "RollEntry")._meta.db_table)
        if value is None:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(value)})")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0013_bilingual_ballots"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="rollentry",
            name="roll_turnout_idx",
        ),
        migrations.RemoveIndex(
            model_name="rollentry",
            name="roll_channel_idx",
        ),
        migrations.AlterField(
            model_name="votereceipt",
            name="ballot",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="receipts",
                to="ballots.triggerballot",
            ),
        ),
        migrations.RunPython(_fillfactor(ROLL_FILLFACTOR), _fillfactor(None)),
    ]

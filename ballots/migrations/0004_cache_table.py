"""The database cache's table, made by `migrate` so that a deployment cannot forget it.

Rate limits (votes, logins) keep their counters in the cache; with no table every vote and
every login would fail while the rest of the site looked healthy. `createcachetable` makes
the table of every DatabaseCache in CACHES and skips tables that already exist (so running
it by hand as well does no harm); with Redis configured it makes nothing.
"""

from django.core.management import call_command
from django.db import migrations


def cache_table_create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0003_ballot_void"),
    ]

    # Reversing leaves the table: it holds only counters, and a later `migrate` keeps it.
    operations = [migrations.RunPython(cache_table_create, migrations.RunPython.noop, elidable=False)]

"""Store every membership number in its canonical form (members/membership_numbers.py).

Numbers were stored as typed; from now on the import and the member form store them without
whitespace and in upper case, and re-importing matches on that form. A stored number is
rewritten only when its canonical form is not already another member's, so no two members
are merged; such a pair (which the member form never allowed) is left for an officer to sort out.
"""

from django.db import migrations


def canonical(text):
    # A copy of membership_number_normalise, as a migration must not change when the code does.
    return "".join((text or "").split()).upper()


def membership_numbers_canonicalise(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    taken = set(Member.objects.values_list("membership_number", flat=True))
    changed = []
    for member in Member.objects.only("pk", "membership_number").iterator(chunk_size=2000):
        number = canonical(member.membership_number)
        if number != member.membership_number and number and number not in taken:
            taken.add(number)
            member.membership_number = number
            changed.append(member)
    Member.objects.bulk_update(changed, ["membership_number"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("members", "0002_officers_group")]

    operations = [migrations.RunPython(membership_numbers_canonicalise, migrations.RunPython.noop)]

"""Creates the "Officers" group with the permissions officers need."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from members.permissions import OFFICER_PERMISSIONS


def create_officers_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the group can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Officers")
    for app_label, codename in OFFICER_PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_officers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Officers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_officers_group, remove_officers_group)]

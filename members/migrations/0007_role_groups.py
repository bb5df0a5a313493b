"""Creates the "Regional officers" and "Scrutineers" groups, and gives each role's group
(Officers too) exactly the permissions of members/permissions.py."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from members.permissions import GROUP_PERMISSIONS


def create_role_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in permissions
            ]
        )


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Regional officers", "Scrutineers"]).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0006_regions_and_invitations")]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]

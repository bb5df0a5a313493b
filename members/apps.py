from django.apps import AppConfig
from django.db.models.signals import post_migrate


def officers_group_ensure(sender, using="default", **kwargs):
    """Keep the Officers group and its permissions in place after every migrate or flush.

    The data migration makes the group; a flush (as transactional tests do) empties the
    table, and this puts it back, as it puts back content types and permissions.
    """
    from django.contrib.auth.models import Group, Permission

    from members.permissions import OFFICER_PERMISSIONS

    group, _ = Group.objects.using(using).get_or_create(name="Officers")
    wanted = Permission.objects.using(using).filter(
        content_type__app_label="members", codename__in=[codename for _, codename in OFFICER_PERMISSIONS]
    )
    group.permissions.add(*wanted)


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = "Constituencies and members"

    def ready(self):
        post_migrate.connect(officers_group_ensure, sender=self, dispatch_uid="members.officers_group_ensure")

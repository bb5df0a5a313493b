from django.apps import AppConfig
from django.db.models.signals import post_migrate


def officers_group_ensure(sender, using="default", **kwargs):
    """Keep each role's group (Officers, Regional officers, Scrutineers) and its permissions in
    place after every migrate or flush.

    The data migrations make the groups; a flush (as transactional tests do) empties the
    table, and this puts them back, as it puts back content types and permissions.
    """
    from django.contrib.auth.models import Group, Permission

    from members.permissions import GROUP_PERMISSIONS

    for name, permissions in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = Permission.objects.using(using).filter(
            content_type__app_label="members", codename__in=[codename for _, codename in permissions]
        )
        group.permissions.set(wanted)


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = "Constituencies and members"

    def ready(self):
        post_migrate.connect(officers_group_ensure, sender=self, dispatch_uid="members.officers_group_ensure")

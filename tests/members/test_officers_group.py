"""The Officers group exists after migrating, and comes back after a flush."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from members.permissions import OFFICER_PERMISSIONS


def test_migrations_make_the_officers_group_with_its_permissions(db):
    group = Group.objects.get(name="Officers")
    held = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert held == set(OFFICER_PERMISSIONS)


@pytest.mark.django_db(transaction=True)
def test_the_officers_group_comes_back_after_a_flush():
    call_command("flush", interactive=False, verbosity=0)
    group = Group.objects.get(name="Officers")
    assert group.permissions.filter(codename="run_ballots").exists()

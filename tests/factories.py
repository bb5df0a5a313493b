"""factory-boy factories for the whole suite."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from ballots.models import TriggerBallot
from members.models import OFFICERS_GROUP, Affiliate, Constituency, Member, Ward

OFFICER_PASSWORD = "correct horse battery staple"


class ConstituencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Constituency
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Constituency {n}")
    sitting_mp = factory.Faker("name", locale="en_GB")


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    constituency = factory.SubFactory(ConstituencyFactory)
    name = factory.Sequence(lambda n: f"Ward {n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    membership_number = factory.Sequence(lambda n: f"L{100000 + n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda m: f"{m.membership_number.lower()}@example.org")
    ward = factory.SubFactory(WardFactory)
    joined_on = dt.date(2015, 1, 1)
    status = Member.Status.ACTIVE


class AffiliateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliate

    constituency = factory.SubFactory(ConstituencyFactory)
    name = factory.Sequence(lambda n: f"Union branch {n}")
    kind = Affiliate.Kind.TRADE_UNION
    affiliated_on = dt.date(2015, 1, 1)
    affiliated_members = 100
    delegate_name = factory.Faker("name", locale="en_GB")
    delegate_email = factory.Sequence(lambda n: f"delegate{n}@example.org")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", OFFICER_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def officers_group():
    """The Officers group (made by a data migration, and put back after a flush by post_migrate)."""
    return Group.objects.get(name=OFFICERS_GROUP)


class OfficerFactory(UserFactory):
    """A user in the Officers group, assigned to the given constituencies."""

    username = factory.Sequence(lambda n: f"officer{n}")

    @factory.post_generation
    def constituencies(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.groups.add(officers_group())
        for constituency in extracted or []:
            constituency.officers.add(obj)


class TriggerBallotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TriggerBallot

    constituency = factory.SubFactory(ConstituencyFactory)
    sitting_mp = factory.LazyAttribute(lambda b: b.constituency.sitting_mp)
    freeze_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))

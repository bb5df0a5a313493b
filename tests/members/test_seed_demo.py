"""seed_demo's members part: the Canterbury-like demo with its counts and mix, two officers (one
regional), idempotent on a second run, and the password rules."""

import datetime as dt
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from members.demo import CANTERBURY, FOLKESTONE, demo_members_seed
from members.models import Affiliate, Constituency, Member, Ward
from members.selectors import (
    MemberEligibilityRules,
    constituencies_for_officer,
    constituencies_for_scrutineer,
    members_eligible,
    regions_for_officer,
    user_is_officer,
)


def snapshot():
    return {
        "constituencies": sorted(Constituency.objects.values_list("pk", "name", "sitting_mp")),
        "wards": sorted(Ward.objects.values_list("pk", "name")),
        "members": sorted(
            Member.objects.values_list(
                "pk", "membership_number", "first_name", "last_name", "email", "ward_id", "joined_on", "status"
            )
        ),
        "affiliates": sorted(
            Affiliate.objects.values_list("pk", "name", "kind", "affiliated_on", "affiliated_members")
        ),
        "users": sorted(get_user_model().objects.values_list("pk", "username", "password")),
    }


def test_seed_demo_makes_a_canterbury_like_constituency(db):
    demo = demo_members_seed(officer_password="demo password 1")
    canterbury = Constituency.objects.get(name=CANTERBURY)
    assert demo.constituency == canterbury
    assert canterbury.wards.count() == 15
    assert {"Barton", "St Stephen's", "Herne & Broomfield"} <= set(canterbury.wards.values_list("name", flat=True))
    members = Member.objects.filter(ward__constituency=canterbury)
    assert 2_300 <= members.count() <= 2_500
    assert 15 <= canterbury.affiliates.count() <= 25
    assert canterbury.affiliates.values("kind").distinct().count() >= 3


def test_the_demo_mix_has_recent_joiners_arrears_and_lapsed_members(db):
    demo_members_seed(officer_password="demo password 1")
    members = Member.objects.filter(ward__constituency__name=CANTERBURY)
    total = members.count()
    today = timezone.localdate()
    recent = members.filter(joined_on__gt=today - dt.timedelta(days=183)).count()
    assert 0.05 * total < recent < 0.2 * total
    assert 0.03 * total < members.filter(status="arrears").count() < 0.08 * total
    assert 0.01 * total < members.filter(status="lapsed").count() < 0.06 * total
    eligible = members_eligible(
        constituency=members.first().ward.constituency, rules=MemberEligibilityRules(freeze_date=today)
    ).count()
    assert 0.7 * total < eligible < 0.9 * total
    recently_affiliated = Affiliate.objects.filter(affiliated_on__gt=today - dt.timedelta(days=180)).count()
    assert recently_affiliated >= 2


def test_officer_runs_canterbury_and_regional_runs_two_constituencies(db):
    demo_members_seed(officer_password="demo password 1")
    User = get_user_model()
    officer, regional = User.objects.get(username="officer"), User.objects.get(username="regional")
    assert [c.name for c in constituencies_for_officer(officer)] == [CANTERBURY]
    assert sorted(c.name for c in constituencies_for_officer(regional)) == [CANTERBURY, FOLKESTONE]
    assert officer.check_password("demo password 1") and regional.check_password("demo password 1")
    assert Ward.objects.filter(constituency__name=FOLKESTONE).count() >= 3


def test_running_it_twice_changes_nothing(db):
    demo_members_seed(officer_password="demo password 1")
    first = snapshot()
    again = demo_members_seed()
    assert snapshot() == first
    assert again.password is None
    assert set(again.created.values()) == {0}


def test_the_command_prints_how_to_log_in_and_keeps_an_existing_password(db, monkeypatch):
    monkeypatch.delenv("DEMO_OFFICER_PASSWORD", raising=False)
    out = StringIO()
    call_command("seed_demo", "--officer-password", "first password 1", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/accounts/login/" in text
    assert "username: officer" in text and "username: regional" in text
    assert "password: first password 1" in text
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "password: unchanged" in out.getvalue()
    assert get_user_model().objects.get(username="officer").check_password("first password 1")


def test_the_password_comes_from_the_environment_else_is_random_and_printed(db, monkeypatch):
    monkeypatch.setenv("DEMO_OFFICER_PASSWORD", "from the environment")
    demo_members_seed()
    assert get_user_model().objects.get(username="officer").check_password("from the environment")
    get_user_model().objects.all().delete()
    monkeypatch.delenv("DEMO_OFFICER_PASSWORD")
    demo = demo_members_seed()
    assert len(demo.password) >= 12
    assert get_user_model().objects.get(username="regional").check_password(demo.password)


def test_the_regional_officer_runs_the_region_and_the_scrutineer_only_reads_canterbury(db):
    demo = demo_members_seed(officer_password="demo password 1")
    User = get_user_model()
    regional, scrutineer = User.objects.get(username="regional"), User.objects.get(username="scrutineer")
    assert sorted(c.name for c in demo.region.constituencies.all()) == [CANTERBURY, FOLKESTONE]
    assert list(regions_for_officer(regional)) == [demo.region]
    assert not regional.constituencies.exists()  # runs them through the region, not by name
    assert not user_is_officer(scrutineer)
    assert [c.name for c in constituencies_for_scrutineer(scrutineer)] == [CANTERBURY]

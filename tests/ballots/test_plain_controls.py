"""The obvious controls look like it (issue 15, point 7): counts with thousands separators, turnout
to one decimal place, rule sets by their titles, and danger buttons that do not look like links."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from ballots.officer.selectors import Turnout, TurnoutWard
from members.models import Member
from tests.factories import AffiliateFactory, MemberFactory, TriggerBallotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_ward(wards):
    """1,234 members in Barton."""
    Member.objects.bulk_create(
        MemberFactory.build(ward=wards[0], membership_number=f"B{n:05}", email=f"b{n}@example.org") for n in range(1234)
    )
    return wards[0]


def test_the_constituency_page_shows_member_counts_with_thousands_separators(officer_client, constituency, big_ward):
    page = officer_client.get(reverse("members:constituency", args=[constituency.pk])).content.decode()

    assert "Members (1,234)" in page
    assert '<td class="num">1,234</td>' in page
    assert "1234" not in page


def test_the_constituency_list_shows_its_members_with_a_separator(officer_client, constituency, big_ward):
    page = officer_client.get(reverse("members:constituency_list")).content.decode()

    assert "1,234 members" in page


def test_the_ballot_list_names_its_rule_set_in_words(officer_client, constituency):
    TriggerBallotFactory(constituency=constituency, rules="labour-pre-2018")

    page = officer_client.get(reverse("ballots:ballot_list", args=[constituency.pk])).content.decode()

    assert "Labour rules before 2018: more than half of all units" in page
    assert "labour-pre-2018" not in page


def test_turnout_shows_separators_and_one_decimal_place():
    turnout = Turnout(
        wards=[
            TurnoutWard(name="Barton", eligible=3000, voted=1234),
            TurnoutWard(name="Westgate", eligible=3, voted=1),
        ],
        affiliates_eligible=1500,
        affiliates_recorded=1001,
    )

    html = render_to_string("ballots/officer/_turnout.html", {"turnout": turnout})

    assert '<td class="num">1,234</td><td class="num">3,000</td><td class="num">41.1%</td>' in html
    assert '<td class="num">1,235</td><td class="num">3,003</td><td class="num">41.1%</td>' in html
    assert "33.3%" in html
    assert "<strong>1,001</strong> of 1,500" in html
    assert re.findall(r"\d+\.\d+%", html) == ["41.1%", "33.3%", "41.1%", "66.7%"]


def test_every_danger_button_is_styled_apart_from_links_and_plain_buttons():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    rule = re.search(r"\.button-danger, button\.button-danger \{([^}]*)\}", css)

    assert rule is not None
    assert "border: 3px solid var(--error)" in rule.group(1)
    # Its heavy base must not hide the focus ring a keyboard user follows.
    assert "button.button-danger:focus-visible { box-shadow: 0 0 0 6px var(--focus)" in css
    for name in ("confirm_base.html", "confirm_void.html", "key_handover.html", "confirm_open.html"):
        template = (Path(settings.BASE_DIR) / "templates" / "ballots" / "officer" / name).read_text()
        assert 'class="button-danger"' in template, name


def test_the_affiliates_list_groups_the_thousands_of_an_affiliates_size(officer_client, constituency):
    AffiliateFactory(constituency=constituency, name="Unite Kent", affiliated_members=12500)

    page = officer_client.get(reverse("members:affiliate_list", args=[constituency.pk])).content.decode()

    assert "12,500" in page
    assert "12500" not in page

"""A regional office's round in a real browser, from set-up to the public overview.

A regional officer creates a constituency and invites its officer (who accepts the emailed
link), uploads a round of three ballots from one CSV file, and follows them on the region's
dashboard while one is opened (its key kept and entered back), voted in on a phone, closed,
counted and declared; then a reader, signed out, opens the round's public overview from the
declared result's page. axe-core is run on every page of the journey.
"""

import csv
import datetime as dt
import re
import time
from base64 import b32decode

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import expect

from ballots.models import Round, TriggerBallot
from members.models import Constituency, Invitation
from tests.e2e.conftest import assert_no_serious_axe_violations, key_taken_and_entered_back, log_in
from tests.factories import (
    OFFICER_PASSWORD,
    AffiliateFactory,
    ConstituencyFactory,
    MemberFactory,
    RegionalOfficerFactory,
    RegionFactory,
    WardFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEATS = ("Ashford", "Dover and Deal", "Sittingbourne")


@pytest.fixture
def region(db):
    region = RegionFactory(name="South East")
    for seat in SEATS:
        constituency = ConstituencyFactory(name=seat, sitting_mp=f"MP for {seat}", region=region)
        for ward in ("North", "South"):
            MemberFactory.create_batch(2, ward=WardFactory(constituency=constituency, name=ward))
        AffiliateFactory(constituency=constituency, name=f"Unite {seat}")
    RegionalOfficerFactory(username="regional", regions=[region])
    return region


def _round_file(tmp_path):
    # Voting may start as soon as a ballot is opened: its opening time has come (an hour ago, UK time).
    opens = timezone.localtime() - dt.timedelta(hours=1)
    closes = opens + dt.timedelta(days=7)
    lines = ["Constituency,Sitting MP,Wards,Freeze date,Opens at,Closes at"]
    for seat in SEATS:
        name = f'"{seat}"' if "," in seat else seat
        lines.append(
            f"{name},MP for {seat},same as before,{opens:%d/%m/%Y},{opens:%Y-%m-%d %H:%M},{closes:%d/%m/%Y %H:%M}"
        )
    path = tmp_path / "round.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


def _code_of(key: bytes) -> str:
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time()
    return f"{totp.token():06d}"


def constituency_and_officer_set_up(page, invitee_page, live_server, settings):
    """The regional officer adds Hythe with its wards, and invites its officer, who accepts."""
    page.get_by_role("link", name="Regions").first.click()
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="South East").first.click()
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Add a constituency").click()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Name").fill("Hythe")
    page.get_by_label("Sitting MP").fill("Pat Quinn")
    page.get_by_label("Wards").fill("Hythe East\nHythe West\n\nSaltwood")
    page.get_by_role("button", name="Add the constituency").click()
    expect(page.get_by_text("Hythe is added to South East.")).to_be_visible()
    hythe = Constituency.objects.get(name="Hythe")
    assert sorted(hythe.wards.values_list("name", flat=True)) == ["Hythe East", "Hythe West", "Saltwood"]

    page.get_by_role("link", name="People and invitations").click()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Email").fill("pat.secretary@example.org")
    page.get_by_label("Role").select_option(label="Constituency officer")
    page.get_by_label("Constituency").select_option(label="Hythe")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("An invitation is on its way to pat.secretary@example.org.")).to_be_visible()
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)
    invitation = Invitation.objects.get()
    assert link.rstrip("/").rsplit("/", 1)[1] not in invitation.token_hash
    invitations = page.get_by_role("table", name="Invitations to South East")
    expect(invitations.get_by_role("row", name=re.compile("pat.secretary@example.org"))).to_contain_text("Sent on")

    # The invitee sets a password, then the two-factor device, from the emailed link.
    settings.OFFICER_TWO_FACTOR = True
    invitee_page.goto(link)
    assert_no_serious_axe_violations(invitee_page)
    invitee_page.get_by_label("Your name").fill("Pat Secretary")
    invitee_page.get_by_label("Password", exact=True).fill("a long pass phrase 2026")
    invitee_page.get_by_label("Password again").fill("a long pass phrase 2026")
    invitee_page.get_by_role("button", name="Accept").click()
    expect(invitee_page.get_by_role("heading", name="Set up two-factor login")).to_be_visible()
    secret = invitee_page.locator("[data-secret]").inner_text().replace(" ", "")
    invitee_page.get_by_label("Code from your authenticator app").fill(
        _code_of(b32decode(secret + "=" * (-len(secret) % 8)))
    )
    invitee_page.get_by_role("button", name="Confirm and log in").click()
    expect(invitee_page.get_by_text("Two-factor login is set up")).to_be_visible()
    settings.OFFICER_TWO_FACTOR = False
    assert list(hythe.officers.values_list("username", flat=True)) == ["pat.secretary@example.org"]
    invitee_page.goto(f"{live_server.url}/constituencies/{hythe.pk}/")
    expect(invitee_page.get_by_role("heading", level=1)).to_contain_text("Hythe")

    page.reload()
    invitations = page.get_by_role("table", name="Invitations to South East")
    expect(invitations.get_by_role("row", name=re.compile("pat.secretary@example.org"))).to_contain_text("Accepted on")
    access = page.get_by_role("table", name="Who has access to South East")
    expect(access.get_by_role("row", name=re.compile("Pat Secretary"))).to_contain_text("Hythe")
    assert_no_serious_axe_violations(page)


def _dashboard_row(page, seat):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=re.compile(re.escape(seat))))


def test_a_regional_office_runs_a_round_from_set_up_to_the_public_overview(
    page, phone_page, live_server, settings, region, tmp_path
):
    settings.SITE_URL = live_server.url
    log_in(page, live_server, "regional", OFFICER_PASSWORD)

    # --- set-up without the admin: a constituency, and its officer invited by email.
    constituency_and_officer_set_up(page, phone_page, live_server, settings)

    # --- a round in one file: previewed, then three drafts at once.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Regions").first.click()
    page.get_by_role("link", name="South East").first.click()
    page.get_by_role("link", name="Set up a round from a file").first.click()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Name of the round").fill("Spring round")
    page.get_by_label("CSV file").set_input_files(str(_round_file(tmp_path)))
    page.get_by_role("button", name="Upload and preview").click()
    for seat in SEATS:
        expect(page.get_by_role("cell", name=seat, exact=False).first).to_be_visible()
    assert_no_serious_axe_violations(page)
    assert not TriggerBallot.objects.exists()  # a preview creates nothing
    page.get_by_role("button", name="Confirm and create the round").click()
    expect(page.get_by_text("Round “Spring round” created: 3 draft ballots")).to_be_visible()
    round_ = Round.objects.get(name="Spring round")
    assert round_.ballots.count() == 3

    # --- the dashboard: three drafts.
    dashboard = page.url
    assert "/dashboard/" in dashboard
    assert_no_serious_axe_violations(page)
    for seat in SEATS:
        expect(_dashboard_row(page, seat)).to_contain_text("Draft")
    expect(page.get_by_text("3 ballots match")).to_be_visible()

    # --- one ballot through open, a vote, close, count and declare, followed on the dashboard.
    _dashboard_row(page, "Ashford").get_by_role("link", name=re.compile("Ashford")).click()
    manage = page.url
    page.get_by_role("link", name="Open the ballot…").click()
    key = key_taken_and_entered_back(page)
    expect(page.get_by_text("its votes sealed to key")).to_be_visible()
    page.goto(dashboard)
    expect(_dashboard_row(page, "Ashford")).to_contain_text("Open")
    expect(_dashboard_row(page, "Ashford")).to_contain_text("0 (0.0%)")

    page.goto(manage)
    page.get_by_role("link", name="Voting codes").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download new codes (CSV)").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as handle:
        voter = next(csv.DictReader(handle))
    phone_page.goto(voter["voting_link"])
    phone_page.wait_for_url("**/vote/ballot/")
    phone_page.get_by_label("Hold an open selection").tap()
    phone_page.get_by_role("button", name="Continue").tap()
    phone_page.wait_for_url("**/vote/confirm/")
    phone_page.get_by_role("button", name="Cast my vote").tap()
    expect(phone_page.get_by_role("heading", name="Your vote has been cast")).to_be_visible()

    page.goto(dashboard)
    expect(_dashboard_row(page, "Ashford")).to_contain_text("1 (25.0%)")
    expect(_dashboard_row(page, "Ashford")).to_contain_text("Not declared")

    page.goto(manage)
    page.get_by_role("link", name="Close the ballot now…").click()
    page.get_by_role("button", name="Close the ballot now").click()
    page.get_by_role("link", name="Count the votes").click()
    page.get_by_label("The ballot's key, or two of its shares").fill(key)
    page.get_by_role("button", name="Count the votes").click()
    expect(page.get_by_text("1 vote counted")).to_be_visible()
    page.goto(dashboard)
    expect(_dashboard_row(page, "Ashford")).to_contain_text("Closed")
    expect(_dashboard_row(page, "Ashford")).to_contain_text("Not declared")

    page.goto(manage)
    page.get_by_role("link", name="Declare the result…").click()
    page.get_by_role("button", name="Declare the result").click()
    expect(page.get_by_text("The result is declared and published.")).to_be_visible()
    page.goto(dashboard)
    ashford = TriggerBallot.objects.get(constituency__name="Ashford")
    assert ashford.status == TriggerBallot.Status.DECLARED
    expect(_dashboard_row(page, "Ashford")).to_contain_text("Declared")
    expect(_dashboard_row(page, "Ashford")).to_contain_text(re.compile("Reselected|Open selection"))
    assert_no_serious_axe_violations(page)

    # --- a reader, signed out, finds the round's overview from the declared result.
    phone_page.goto(f"{live_server.url}/ballots/{ashford.pk}/results")
    phone_page.get_by_role("link", name="Every result of the round “Spring round”").tap()
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Spring round")
    expect(phone_page.get_by_text("1 of 3 ballots declared").first).to_be_visible()
    overview_rows = phone_page.get_by_role("row")
    expect(overview_rows.filter(has_text="Dover and Deal")).to_contain_text("Not yet declared")
    expect(overview_rows.filter(has_text="Ashford")).to_contain_text("1 of 4")
    assert_no_serious_axe_violations(phone_page)
    with phone_page.expect_download() as csv_download:
        phone_page.get_by_role("link", name="Download as CSV").tap()
    with open(csv_download.value.path(), encoding="utf-8-sig") as handle:
        rows = {row["constituency"]: row for row in csv.DictReader(handle)}
    assert rows["Ashford"]["declared"] == "yes" and rows["Dover and Deal"]["declared"] == "no"

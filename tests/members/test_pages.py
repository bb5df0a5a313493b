"""Officer pages: the constituency overview, member and affiliate lists (search, filters, sorting,
pages, CSV export), the add and edit forms with their messages, the import page, and constant
query counts on the member list."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Affiliate, AuditEvent, Member, Ward
from tests.factories import AffiliateFactory, ConstituencyFactory, MemberFactory, WardFactory

DATA = Path(__file__).parent / "data"
LONG_AGO = dt.date(2015, 1, 1)


@pytest.fixture
def people(wards):
    barton, northgate, westgate = wards
    recent = timezone.localdate() - dt.timedelta(days=30)
    return {
        "ann": MemberFactory(
            membership_number="L1001", first_name="Ann", last_name="Archer", ward=barton, joined_on=LONG_AGO
        ),
        "bob": MemberFactory(
            membership_number="L1002", first_name="Bob", last_name="Baker", ward=northgate, joined_on=recent
        ),
        "cat": MemberFactory(
            membership_number="L1003",
            first_name="Cat",
            last_name="Cole",
            ward=westgate,
            joined_on=LONG_AGO,
            status=Member.Status.ARREARS,
        ),
        "dan": MemberFactory(
            membership_number="L1004",
            first_name="Dan",
            last_name="Archer",
            ward=barton,
            joined_on=LONG_AGO,
            status=Member.Status.LAPSED,
        ),
    }


def member_list(client, constituency, **params):
    return client.get(reverse("members:member_list", args=[constituency.pk]), params)


def numbers_on(response):
    return [row.record.membership_number for row in response.context["table"].page.object_list]


def test_overview_counts_members_and_eligible_and_links_to_every_page(officer_client, constituency, people):
    response = officer_client.get(reverse("members:constituency", args=[constituency.pk]))
    page = response.content.decode()
    barton = next(ward for ward in response.context["wards"] if ward.name == "Barton")
    assert (barton.member_count, barton.eligible_count) == (2, 1)
    assert (response.context["member_total"], response.context["eligible_total"]) == (4, 1)
    for name in ("member_list", "affiliate_list", "import", "ward_add"):
        assert reverse(f"members:{name}", args=[constituency.pk]) in page


def test_constituency_list_shows_the_officers_constituencies_with_counts(officer_client, constituency, people):
    response = officer_client.get(reverse("members:constituency_list"))
    assert b"3 wards, 4 members." in response.content


def test_member_list_shows_number_name_ward_status_and_eligibility_with_reason(officer_client, constituency, people):
    response = member_list(officer_client, constituency)
    page = response.content.decode()
    assert numbers_on(response) == ["L1001", "L1004", "L1002", "L1003"]  # by last name, first name
    assert "Archer, Ann" in page and "Barton" in page
    assert "No: joined too recently" in page
    assert "No: in arrears" in page
    assert "No: lapsed" in page
    assert '<th scope="col"' in page


def test_search_by_name_or_number(officer_client, constituency, people):
    assert numbers_on(member_list(officer_client, constituency, q="archer")) == ["L1001", "L1004"]
    assert numbers_on(member_list(officer_client, constituency, q="ann archer")) == ["L1001"]
    assert numbers_on(member_list(officer_client, constituency, q="l1003")) == ["L1003"]


def test_filter_by_ward_status_and_eligibility(officer_client, constituency, people, wards):
    assert numbers_on(member_list(officer_client, constituency, ward=wards[0].pk)) == ["L1001", "L1004"]
    assert numbers_on(member_list(officer_client, constituency, status="arrears")) == ["L1003"]
    assert numbers_on(member_list(officer_client, constituency, eligibility="eligible")) == ["L1001"]
    ineligible = member_list(officer_client, constituency, eligibility="ineligible")
    assert numbers_on(ineligible) == ["L1004", "L1002", "L1003"]


def test_eligibility_as_of_an_earlier_date_uses_that_date(officer_client, constituency, people):
    response = member_list(officer_client, constituency, eligibility="eligible", as_of="2015-06-30")
    assert numbers_on(response) == []
    response = member_list(officer_client, constituency, eligibility="eligible", as_of="2015-07-01")
    assert numbers_on(response) == ["L1001"]
    assert b"Eligibility as of 1 July 2015" in response.content


def test_a_bad_as_of_date_says_so_and_falls_back_to_today(officer_client, constituency, people):
    response = member_list(officer_client, constituency, as_of="31/31/2020")
    assert response.status_code == 200
    assert b"Enter a valid date" in response.content


def test_a_ward_of_another_constituency_is_not_a_choice(officer_client, constituency, people):
    other = WardFactory(constituency=ConstituencyFactory(name="Dover"))
    response = member_list(officer_client, constituency, ward=other.pk)
    assert numbers_on(response) == []
    assert b"Select a valid choice" in response.content


def test_sorting_by_joined_date_and_by_ward(officer_client, constituency, people):
    assert numbers_on(member_list(officer_client, constituency, sort="-joined_on"))[0] == "L1002"
    assert numbers_on(member_list(officer_client, constituency, sort="ward")) == ["L1001", "L1004", "L1002", "L1003"]
    assert b'aria-sort="ascending"' in member_list(officer_client, constituency, sort="ward").content


def test_the_list_is_paginated_by_fifty(officer_client, constituency, wards):
    Member.objects.bulk_create(
        Member(
            membership_number=f"P{n:04d}",
            first_name="P",
            last_name=f"Person {n:04d}",
            ward=wards[0],
            joined_on=LONG_AGO,
        )
        for n in range(120)
    )
    first = member_list(officer_client, constituency)
    assert len(numbers_on(first)) == 50
    third = member_list(officer_client, constituency, page=3)
    assert numbers_on(third) == [f"P{n:04d}" for n in range(100, 120)]
    assert b"Page 3 of 3" in third.content


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_csv_export_has_the_filtered_members_on_every_page_and_neutralises_formulas(
    officer_client, constituency, people, wards
):
    MemberFactory(
        membership_number="L1005",
        first_name='=HYPERLINK("http://x")',
        last_name="Archer",
        ward=wards[0],
        joined_on=LONG_AGO,
    )
    response = member_list(officer_client, constituency, q="archer", _export="csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="canterbury-members-' in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["Number", "Name", "Ward", "Joined", "Status", "Eligible"]
    by_number = {row[0]: row for row in rows[1:]}
    assert sorted(by_number) == ["L1001", "L1004", "L1005"]
    assert by_number["L1001"] == ["L1001", "Ann Archer", "Barton", "2015-01-01", "Active", "yes"]
    assert by_number["L1004"][5] == "no: lapsed"
    assert by_number["L1005"][1] == '\'=HYPERLINK("http://x") Archer'


def test_the_download_link_keeps_the_filters(officer_client, constituency, people, wards):
    page = member_list(officer_client, constituency, ward=wards[0].pk, page=2).content.decode()
    assert f'href="?ward={wards[0].pk}&amp;_export=csv"' in page


def test_member_list_runs_the_same_number_of_queries_for_10_and_10000_members(
    officer_client, constituency, wards, django_assert_num_queries
):
    def add_members(start, count):
        Member.objects.bulk_create(
            (
                Member(
                    membership_number=f"Q{n:06d}",
                    first_name="Q",
                    last_name=f"Q{n:06d}",
                    ward=wards[n % 3],
                    joined_on=LONG_AGO,
                    status=("active", "arrears", "lapsed")[n % 3],
                )
                for n in range(start, start + count)
            ),
            batch_size=2000,
        )

    url = reverse("members:member_list", args=[constituency.pk])
    add_members(0, 10)
    officer_client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert officer_client.get(url, {"sort": "ward", "eligibility": "eligible"}).status_code == 200
    add_members(10, 9_990)
    with django_assert_num_queries(len(small.captured_queries)):
        response = officer_client.get(url, {"sort": "ward", "eligibility": "eligible"})
    assert response.context["table"].paginator.count == 3_334
    assert len(small.captured_queries) <= 10, [q["sql"][:90] for q in small.captured_queries]


def test_affiliate_list_search_kind_filter_and_csv(officer_client, constituency):
    AffiliateFactory(constituency=constituency, name="Unite Canterbury branch", delegate_name="Pat Jones")
    AffiliateFactory(
        constituency=constituency, name="Fabian Society", kind="socialist_society", delegate_name="@SUM(A1)"
    )
    AffiliateFactory(name="Elsewhere union")
    url = reverse("members:affiliate_list", args=[constituency.pk])
    page = officer_client.get(url).content.decode()
    assert "Unite Canterbury branch" in page and "Fabian Society" in page and "Elsewhere union" not in page
    assert "Elsewhere" not in officer_client.get(url, {"q": "pat"}).content.decode()
    assert "Fabian" not in officer_client.get(url, {"kind": "trade_union"}).content.decode()
    rows = read_csv(officer_client.get(url, {"_export": "csv"}))
    assert rows[0] == ["Organisation", "Kind", "Affiliated", "Affiliated members", "Delegate"]
    assert rows[1][0] == "Fabian Society" and rows[1][4] == "'@SUM(A1)"


def member_post(wards, **changes):
    data = {
        "membership_number": "L2000",
        "first_name": "Zoë",
        "last_name": "Brontë",
        "email": "zoe@example.org",
        "ward": wards[1].pk,
        "joined_on": "2019-08-31",
        "status": "active",
    }
    data.update(changes)
    return data


def test_adding_a_member_saves_it_audits_it_and_returns_to_the_list(officer_client, constituency, wards, officer):
    response = officer_client.post(reverse("members:member_add", args=[constituency.pk]), member_post(wards))
    assert response.status_code == 302
    assert response["Location"] == reverse("members:member_list", args=[constituency.pk])
    zoe = Member.objects.get(membership_number="L2000")
    assert (zoe.full_name, zoe.ward, zoe.joined_on) == ("Zoë Brontë", wards[1], dt.date(2019, 8, 31))
    event = AuditEvent.objects.get(action="member.created")
    assert (event.actor, event.constituency, event.detail["membership_number"]) == (officer, constituency, "L2000")


def test_a_duplicate_membership_number_says_who_has_it(officer_client, constituency, wards, people):
    response = officer_client.post(
        reverse("members:member_add", args=[constituency.pk]), member_post(wards, membership_number="l1001")
    )
    assert response.status_code == 200
    assert "Membership number L1001 already belongs to Ann Archer (Barton ward)." in response.content.decode()
    assert b"There is a problem" in response.content
    assert not Member.objects.filter(first_name="Zoë").exists()


def test_a_number_used_in_another_constituency_does_not_reveal_the_member(officer_client, constituency, wards):
    MemberFactory(membership_number="L9999", first_name="Secret", ward=WardFactory(name="Far away"))
    response = officer_client.post(
        reverse("members:member_add", args=[constituency.pk]), member_post(wards, membership_number="L9999")
    )
    page = response.content.decode()
    assert "already belongs to a member in another constituency" in page
    assert "Secret" not in page


def test_member_form_messages_for_missing_names_bad_dates_and_foreign_wards(officer_client, constituency, wards):
    foreign = WardFactory(constituency=ConstituencyFactory(name="Dover"))
    response = officer_client.post(
        reverse("members:member_add", args=[constituency.pk]),
        member_post(wards, first_name="", joined_on="2999-01-01", ward=foreign.pk, email="nope"),
    )
    form = response.context["form"]
    assert form.errors["first_name"] == ["This field is required."]
    assert form.errors["joined_on"] == ["This date is in the future."]
    assert form.errors["ward"] == ["Choose one of this constituency's wards."]
    assert form.errors["email"] == ["Enter a valid email address."]
    assert Member.objects.count() == 0


def test_editing_a_member_records_which_fields_changed(officer_client, constituency, wards, people):
    ann = people["ann"]
    url = reverse("members:member_edit", args=[constituency.pk, ann.pk])
    assert officer_client.get(url).context["form"].initial["membership_number"] == "L1001"
    data = member_post(
        wards,
        membership_number="L1001",
        first_name="Ann",
        last_name="Archer",
        email=ann.email,
        ward=wards[2].pk,
        joined_on="15/01/2015",
        status="arrears",
    )
    assert officer_client.post(url, data).status_code == 302
    ann.refresh_from_db()
    assert (ann.ward, ann.joined_on, ann.status) == (wards[2], dt.date(2015, 1, 15), "arrears")
    event = AuditEvent.objects.get(action="member.updated")
    assert sorted(event.detail["fields"]) == ["joined_on", "status", "ward"]


def test_an_officer_fixes_a_members_postal_address_for_their_letter(officer_client, constituency, wards, people):
    ann = people["ann"]
    data = member_post(
        wards,
        membership_number="L1001",
        first_name="Ann",
        last_name="Archer",
        email=ann.email,
        ward=wards[0].pk,
        joined_on="2015-01-01",
        status="active",
        address="12 Orchard Street\r\nCanterbury",
        postcode="CT2 8AP",
    )

    response = officer_client.post(reverse("members:member_edit", args=[constituency.pk, ann.pk]), data)

    assert response.status_code == 302
    ann.refresh_from_db()
    assert (ann.address.splitlines(), ann.postcode) == (["12 Orchard Street", "Canterbury"], "CT2 8AP")
    assert sorted(AuditEvent.objects.get(action="member.updated").detail["fields"]) == ["address", "postcode"]


def test_saving_a_member_unchanged_records_nothing(officer_client, constituency, wards, people):
    ann = people["ann"]
    data = member_post(
        wards,
        membership_number="L1001",
        first_name="Ann",
        last_name="Archer",
        email=ann.email,
        ward=wards[0].pk,
        joined_on="2015-01-01",
        status="active",
    )
    officer_client.post(reverse("members:member_edit", args=[constituency.pk, ann.pk]), data)
    assert not AuditEvent.objects.filter(action="member.updated").exists()


def test_adding_and_renaming_a_ward_with_a_clear_message_on_a_clash(officer_client, constituency, wards):
    add = reverse("members:ward_add", args=[constituency.pk])
    assert officer_client.post(add, {"name": "  Wincheap  "}).status_code == 302
    wincheap = Ward.objects.get(constituency=constituency, name="Wincheap")
    clash = officer_client.post(add, {"name": "barton"})
    assert "Canterbury already has a ward called “Barton”." in clash.content.decode()
    rename = reverse("members:ward_edit", args=[constituency.pk, wincheap.pk])
    assert officer_client.post(rename, {"name": "Wincheap & Thanington"}).status_code == 302
    wincheap.refresh_from_db()
    assert wincheap.name == "Wincheap & Thanington"
    event = AuditEvent.objects.get(action="ward.renamed")
    assert event.detail["from"] == "Wincheap" and event.detail["to"] == "Wincheap & Thanington"


def test_adding_and_editing_an_affiliate(officer_client, constituency):
    add = reverse("members:affiliate_add", args=[constituency.pk])
    data = {
        "name": "GMB Kent",
        "kind": "trade_union",
        "affiliated_on": "2010-05-01",
        "affiliated_members": "120",
        "delegate_name": "Pat",
        "delegate_email": "pat@example.org",
    }
    assert officer_client.post(add, data).status_code == 302
    gmb = Affiliate.objects.get(name="GMB Kent")
    clash = officer_client.post(add, {**data, "name": "gmb kent"})
    assert "“GMB Kent” is already affiliated to Canterbury." in clash.content.decode()
    edit = reverse("members:affiliate_edit", args=[constituency.pk, gmb.pk])
    assert officer_client.post(edit, {**data, "affiliated_members": "150"}).status_code == 302
    gmb.refresh_from_db()
    assert gmb.affiliated_members == 150
    assert AuditEvent.objects.filter(action__startswith="affiliate.").count() == 2


def upload(name, content=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content if content is not None else (DATA / name).read_bytes(), "text/csv")


def import_posted(client, url, data, capture):
    """Post with the queued work run at once, then open the page it leads to."""
    with capture(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    return client.get(response["Location"])


def test_import_page_previews_a_good_file_then_imports_it_on_confirmation(
    officer_client, constituency, wards, officer, django_capture_on_commit_callbacks
):
    url = reverse("members:import", args=[constituency.pk])
    data = {"kind": "members", "file": upload("members_utf8_bom_crlf.csv")}
    response = import_posted(officer_client, url, data, django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert "4 would be created, 0 updated, 0 unchanged." in page
    assert Member.objects.count() == 0
    confirm = response.wsgi_request.path + "confirm/"
    response = import_posted(officer_client, confirm, {}, django_capture_on_commit_callbacks)
    assert "Imported 4 members: 4 created, 0 updated, 0 unchanged." in response.content.decode()
    assert Member.objects.count() == 4
    assert AuditEvent.objects.get(action="members.imported").actor == officer


def test_import_page_lists_every_bad_row_and_writes_nothing(
    officer_client, constituency, wards, django_capture_on_commit_callbacks
):
    url = reverse("members:import", args=[constituency.pk])
    data = {"kind": "members", "file": upload("members_every_error.csv")}
    page = import_posted(officer_client, url, data, django_capture_on_commit_callbacks).content.decode()
    assert "This file cannot be imported yet" in page
    assert "Nothing was imported: 7 problems found." in page
    assert "“Nowhere”" in page
    assert "Download every problem" in page
    assert Member.objects.count() == 0


def test_import_page_creates_missing_wards_when_ticked(
    officer_client, constituency, wards, django_capture_on_commit_callbacks
):
    url = reverse("members:import", args=[constituency.pk])
    data = {"kind": "members", "file": upload("members_new_wards.csv"), "create_wards": "on"}
    page = import_posted(officer_client, url, data, django_capture_on_commit_callbacks).content.decode()
    assert "New wards would be made: Little Stour &amp; Adisham, Wincheap." in page


def test_import_page_takes_affiliates_too(officer_client, constituency, django_capture_on_commit_callbacks):
    url = reverse("members:import", args=[constituency.pk])
    data = {"kind": "affiliates", "file": upload("affiliates_good.csv")}
    page = import_posted(officer_client, url, data, django_capture_on_commit_callbacks).content.decode()
    assert "The file has 3 affiliates: 3 would be created" in page


def test_import_page_without_a_file_says_so(officer_client, constituency):
    response = officer_client.post(reverse("members:import", args=[constituency.pk]), {"kind": "members"})
    assert response.context["form"].errors["file"] == ["Choose the CSV file to import."]
    assert b"There is a problem" in response.content


def test_affiliate_list_filters_those_eligible_at_a_freeze_date_as_the_selector_does(officer_client, constituency):
    from members.selectors import affiliates_eligible

    AffiliateFactory(constituency=constituency, name="On the day", affiliated_on=dt.date(2023, 3, 2))
    AffiliateFactory(constituency=constituency, name="A day short", affiliated_on=dt.date(2023, 3, 3))
    url = reverse("members:affiliate_list", args=[constituency.pk])
    response = officer_client.get(url, {"eligible_on": "2024-03-01", "min_days": "365"})
    names = [row.record.name for row in response.context["table"].page.object_list]
    expected = affiliates_eligible(constituency=constituency, freeze_date=dt.date(2024, 3, 1), min_affiliation_days=365)
    assert names == [affiliate.name for affiliate in expected] == ["On the day"]
    response = officer_client.get(url, {"eligible_on": "2024-03-01"})
    assert len(response.context["table"].page.object_list) == 2

"""Officers see only the constituencies they run: a regional officer runs two, everyone else gets
403 on their lists and forms, and anonymous users are sent to log in."""

import pytest
from django.urls import reverse

from members.models import OFFICERS_GROUP
from tests.factories import (
    AffiliateFactory,
    ConstituencyFactory,
    MemberFactory,
    OfficerFactory,
    UserFactory,
    WardFactory,
)


@pytest.fixture
def two_constituencies(db):
    canterbury = ConstituencyFactory(name="Canterbury")
    folkestone = ConstituencyFactory(name="Folkestone and Hythe")
    dover = ConstituencyFactory(name="Dover and Deal")
    for constituency in (canterbury, folkestone, dover):
        ward = WardFactory(constituency=constituency, name=f"{constituency.name} Central")
        MemberFactory(ward=ward, first_name="Resident", last_name=f"Of {constituency.name}")
        AffiliateFactory(constituency=constituency, name=f"Union of {constituency.name}")
    return canterbury, folkestone, dover


def officer_pages(constituency):
    ward = constituency.wards.first()
    member = ward.members.first()
    affiliate = constituency.affiliates.first()
    pk = constituency.pk
    return [
        reverse("members:constituency", args=[pk]),
        reverse("members:member_list", args=[pk]),
        reverse("members:member_list", args=[pk]) + "?_export=csv",
        reverse("members:member_add", args=[pk]),
        reverse("members:member_edit", args=[pk, member.pk]),
        reverse("members:affiliate_list", args=[pk]),
        reverse("members:affiliate_add", args=[pk]),
        reverse("members:affiliate_edit", args=[pk, affiliate.pk]),
        reverse("members:ward_add", args=[pk]),
        reverse("members:ward_edit", args=[pk, ward.pk]),
        reverse("members:import", args=[pk]),
    ]


def test_the_officers_group_made_by_the_migration_holds_the_ballot_permission(db):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=OFFICERS_GROUP)
    assert group.permissions.filter(codename="run_ballots", content_type__app_label="members").exists()
    assert group.permissions.filter(codename="change_member").exists()


def test_a_regional_officer_sees_both_their_constituencies_and_not_a_third(client, two_constituencies):
    canterbury, folkestone, dover = two_constituencies
    client.force_login(OfficerFactory(constituencies=[canterbury, folkestone]))
    listing = client.get(reverse("members:constituency_list")).content.decode()
    assert "Canterbury" in listing and "Folkestone and Hythe" in listing
    assert "Dover and Deal" not in listing
    for constituency in (canterbury, folkestone):
        for url in officer_pages(constituency):
            assert client.get(url).status_code == 200, url


def test_a_regional_officers_member_list_shows_only_that_constituencys_members(client, two_constituencies):
    canterbury, folkestone, _ = two_constituencies
    client.force_login(OfficerFactory(constituencies=[canterbury, folkestone]))
    page = client.get(reverse("members:member_list", args=[folkestone.pk])).content.decode()
    assert "Of Folkestone and Hythe" in page
    assert "Of Canterbury" not in page


def test_every_list_and_form_of_another_constituency_is_403(client, two_constituencies):
    canterbury, folkestone, dover = two_constituencies
    client.force_login(OfficerFactory(constituencies=[canterbury, folkestone]))
    for url in officer_pages(dover):
        assert client.get(url).status_code == 403, url
    post = client.post(reverse("members:ward_add", args=[dover.pk]), {"name": "Sneaky"})
    assert post.status_code == 403
    assert not dover.wards.filter(name="Sneaky").exists()


def test_another_constituencys_record_through_your_own_constituency_is_not_found(client, two_constituencies):
    canterbury, _, dover = two_constituencies
    client.force_login(OfficerFactory(constituencies=[canterbury]))
    foreign_member = dover.wards.first().members.first()
    foreign_affiliate = dover.affiliates.first()
    foreign_ward = dover.wards.first()
    assert client.get(reverse("members:member_edit", args=[canterbury.pk, foreign_member.pk])).status_code == 404
    assert client.get(reverse("members:affiliate_edit", args=[canterbury.pk, foreign_affiliate.pk])).status_code == 404
    assert client.get(reverse("members:ward_edit", args=[canterbury.pk, foreign_ward.pk])).status_code == 404


def test_a_signed_in_user_without_the_officer_permission_gets_403_everywhere(client, two_constituencies):
    canterbury, _, _ = two_constituencies
    client.force_login(UserFactory())
    assert client.get(reverse("members:constituency_list")).status_code == 403
    for url in officer_pages(canterbury):
        assert client.get(url).status_code == 403, url


def test_a_user_assigned_to_a_constituency_but_not_an_officer_gets_403(client, two_constituencies):
    canterbury, _, _ = two_constituencies
    user = UserFactory()
    canterbury.officers.add(user)
    client.force_login(user)
    assert client.get(reverse("members:member_list", args=[canterbury.pk])).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page_and_back(client, two_constituencies):
    canterbury, _, _ = two_constituencies
    for url in [reverse("members:constituency_list"), *officer_pages(canterbury)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=")


def test_officers_log_in_with_the_form_and_log_out(client, officer, officer_password):
    response = client.post(reverse("login"), {"username": officer.username, "password": officer_password})
    assert response.status_code == 302
    assert client.get(reverse("members:constituency_list")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("members:constituency_list")).status_code == 302


def test_a_superuser_runs_every_constituency(client, two_constituencies):
    _, _, dover = two_constituencies
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("members:member_list", args=[dover.pk])).status_code == 200


# ---------------------------------------------------------------- the reasons a refusal gives


def test_a_user_named_for_a_constituency_but_not_in_the_officers_group_is_told_exactly_that(client, two_constituencies):
    canterbury, _, _ = two_constituencies
    user = UserFactory()
    canterbury.officers.add(user)
    client.force_login(user)

    page = client.get(reverse("members:member_list", args=[canterbury.pk])).content.decode()

    assert "named as an officer of Canterbury" in page
    assert f"not in the {OFFICERS_GROUP} group" in page
    assert "another constituency" not in page and "not of Canterbury" not in page


def test_an_officer_of_another_constituency_is_told_whose_page_it_is(client, two_constituencies):
    canterbury, _, dover = two_constituencies
    client.force_login(OfficerFactory(constituencies=[canterbury]))

    response = client.get(reverse("members:member_list", args=[dover.pk]))

    assert response.status_code == 403
    assert "You are an officer, but not of Dover and Deal" in response.content.decode()


def test_a_user_with_no_officer_access_is_told_so_and_not_about_constituencies(client, two_constituencies):
    client.force_login(UserFactory())

    page = client.get(reverse("members:constituency_list")).content.decode()

    assert "your account does not have officer access" in page
    assert "named as an officer" not in page and "but not of" not in page


def test_a_refused_officer_page_does_not_say_whether_the_record_exists(client, two_constituencies):
    client.force_login(UserFactory())
    assert client.get(reverse("members:member_list", args=[999_999])).status_code == 403


def test_the_refusal_reason_is_the_same_through_the_function_and_the_mixin(two_constituencies):
    from members.access import officer_refusal

    canterbury, _, dover = two_constituencies
    stranger, named, officer = UserFactory(), UserFactory(), OfficerFactory(constituencies=[canterbury])
    canterbury.officers.add(named)

    assert officer_refusal(officer, constituency=canterbury) is None
    assert officer_refusal(officer) is None
    assert "not of Dover and Deal" in officer_refusal(officer, constituency=dover)
    assert "does not have officer access" in officer_refusal(stranger)
    assert "not in the Officers group" in officer_refusal(named, constituency=canterbury)


# ---------------------------------------------------------------- the check for function views


def _function_view_request(rf, user):
    request = rf.get("/some/officer/page/")
    request.user = user
    return request


def test_the_decorator_sends_anonymous_users_to_log_in_and_lets_officers_through(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from members.access import officer_required

    @officer_required
    def page(request):
        return HttpResponse("officers only")

    anonymous = page(_function_view_request(rf, AnonymousUser()))
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/accounts/login/?next=/some/officer/page/"
    assert page(_function_view_request(rf, OfficerFactory())).content == b"officers only"


def test_the_decorator_refuses_a_signed_in_user_without_officer_access_with_the_reason(rf, db):
    from django.http import HttpResponse

    from members.access import OfficerAccessRefused, officer_required

    @officer_required
    def page(request):
        return HttpResponse("officers only")

    with pytest.raises(OfficerAccessRefused) as refusal:
        page(_function_view_request(rf, UserFactory()))
    assert "does not have officer access" in refusal.value.reason


def test_the_check_of_one_constituency_refuses_an_officer_of_another(rf, two_constituencies):
    from members.access import OfficerAccessRefused, officer_access_check

    canterbury, _, dover = two_constituencies
    request = _function_view_request(rf, OfficerFactory(constituencies=[canterbury]))

    assert officer_access_check(request, constituency=canterbury) is None
    with pytest.raises(OfficerAccessRefused, match="not of Dover and Deal"):
        officer_access_check(request, constituency=dover)


def test_a_mixin_page_of_another_object_checks_the_constituency_that_object_names(rf, two_constituencies):
    from django.http import HttpResponse
    from django.views import View

    from members.access import OfficerAccessRefused, OfficerRequiredMixin

    canterbury, _, dover = two_constituencies
    looked_up = []

    class WardPage(OfficerRequiredMixin, View):
        def get_officer_constituency(self):
            ward = dover.wards.get()
            looked_up.append(ward)
            return ward.constituency

        def get(self, request):
            return HttpResponse(self.constituency.name)

    assert WardPage.as_view()(_function_view_request(rf, OfficerFactory(constituencies=[dover]))).content == (
        b"Dover and Deal"
    )
    with pytest.raises(OfficerAccessRefused):
        WardPage.as_view()(_function_view_request(rf, OfficerFactory(constituencies=[canterbury])))
    looked_up.clear()
    with pytest.raises(OfficerAccessRefused):
        WardPage.as_view()(_function_view_request(rf, UserFactory()))
    assert looked_up == []

"""The profile page: who the person is in the portal, their time zone (which only they, or
their agency's admin, change), and whom to reach in their agency."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from activity.models import AuditRecord
from agencies.models import AgencyRole, Profile
from agencies.services import profile_set_time_zone
from tests.agencies.factories import person

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def zone_of(user) -> str:
    return Profile.objects.get(user=user).time_zone


def test_the_name_in_the_top_bar_leads_to_the_profile(personas):
    page = signed_in(personas.user("viewer")).get("/directory/").content.decode()
    assert 'class="who" href="/profile/"' in page


def test_the_profile_and_the_security_page_link_to_each_other(personas):
    client = signed_in(personas.user("viewer"))
    assert 'href="/account/"' in client.get("/profile/").content.decode()
    assert 'href="/profile/"' in client.get("/account/").content.decode()


def test_the_profile_shows_agency_profession_and_how_to_sign_in(personas):
    page = signed_in(personas.user("viewer")).get("/profile/").content.decode()
    assert personas.agency("viewer").name in page
    assert Profile.objects.get(user=personas.user("viewer")).get_profession_display() in page
    assert 'href="/account/password/"' in page
    assert 'href="/account/mfa/enrol/"' in page


def test_the_profile_lists_the_agencys_liaisons_and_contacts(personas):
    agency = personas.agency("invited")
    liaison = person(agency, role=AgencyRole.LIAISON, first_name="Lia", last_name="Ison")
    Profile.objects.filter(user=liaison).update(phone="816-555-0123")
    page = signed_in(personas.user("invited_member")).get("/profile/").content.decode()
    assert f'href="mailto:{liaison.email}"' in page
    assert 'href="tel:816-555-0123"' in page
    assert f'href="mailto:{agency.contact_email}"' in page
    assert "Lia Ison" in page


def test_a_person_sets_their_time_zone_and_it_is_audited(personas):
    user = personas.user("viewer")
    response = signed_in(user).post("/profile/", {"time_zone": "America/Denver"})
    assert response.status_code == 302
    assert zone_of(user) == "America/Denver"
    record = AuditRecord.objects.get(action="person.updated", target_id=str(user.pk))
    assert record.changes == {"time_zone": ["", "America/Denver"]}


def test_a_blank_zone_follows_the_task_force_again(personas):
    user = personas.user("viewer")
    Profile.objects.filter(user=user).update(time_zone="Asia/Tokyo")
    signed_in(user).post("/profile/", {"time_zone": ""})
    assert zone_of(user) == ""


@pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "America/Chicago" + "x" * 80, "<b>"])
def test_a_bad_zone_is_a_form_error_and_changes_nothing(personas, bad):
    user = personas.user("viewer")
    Profile.objects.filter(user=user).update(time_zone="Asia/Tokyo")
    response = signed_in(user).post("/profile/", {"time_zone": bad})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert zone_of(user) == "Asia/Tokyo"
    assert not AuditRecord.objects.filter(action="person.updated").exists()


def test_the_profile_page_changes_only_the_signed_in_persons_zone(personas):
    other = personas.user("other")
    response = signed_in(personas.user("viewer")).post(
        "/profile/", {"time_zone": "Asia/Tokyo", "user": other.pk, "profile": other.pk}
    )
    assert response.status_code == 302
    assert zone_of(personas.user("viewer")) == "Asia/Tokyo"
    assert zone_of(other) == ""


def test_another_agencys_person_cannot_change_someones_zone(personas):
    target = Profile.objects.get(user=personas.user("viewer"))
    with pytest.raises(PermissionDenied):
        profile_set_time_zone(actor=personas.user("other"), profile=target, time_zone="Asia/Tokyo")
    assert zone_of(personas.user("viewer")) == ""


def test_a_colleague_who_is_not_an_admin_cannot_change_it_either(personas):
    target = Profile.objects.get(user=personas.user("invited"))
    with pytest.raises(PermissionDenied):
        profile_set_time_zone(
            actor=personas.user("invited_member"), profile=target, time_zone="Asia/Tokyo"
        )
    assert zone_of(personas.user("invited")) == ""


def test_the_agencys_admin_may_set_it_for_their_person(personas):
    admin = personas.user("invited_member")
    Profile.objects.filter(user=admin).update(is_agency_admin=True)
    admin.refresh_from_db()
    target = Profile.objects.get(user=personas.user("invited"))
    profile_set_time_zone(actor=admin, profile=target, time_zone="Asia/Tokyo")
    assert zone_of(personas.user("invited")) == "Asia/Tokyo"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_zone_select_starts_on_the_persons_zone(personas):
    user = personas.user("viewer")
    Profile.objects.filter(user=user).update(time_zone="Asia/Tokyo")
    page = signed_in(user).get("/profile/").content.decode()
    assert '<option value="Asia/Tokyo" selected>' in page

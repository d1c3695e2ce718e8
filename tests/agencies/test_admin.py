"""The admin changes people through the services: deactivation and moves take effect."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from activity.models import AuditRecord
from agencies.models import Profile
from agencies.services import token_issue
from tests.agencies.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def change_form(user, **overrides) -> dict:
    """What the person's change page posts when nothing but ``overrides`` is edited."""
    profile = user.profile
    joined = user.date_joined
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": joined.strftime("%H:%M:%S"),
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": str(profile.pk),
        "profile-0-user": str(user.pk),
        "profile-0-agency": str(profile.agency_id),
        "profile-0-title": profile.title,
        "profile-0-profession": profile.profession,
        "profile-0-phone": profile.phone,
        "profile-0-role": profile.role,
    }
    data = {key: value for key, value in data.items() if value != ""}
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_the_admin_deactivates_a_person_and_their_tokens_stop(personas):
    user = personas.user("member")
    _, secret = token_issue(actor=None, user=user, name="rms")
    response = admin_client().post(
        f"/admin/auth/user/{user.pk}/change/", change_form(user, is_active=None)
    )
    assert response.status_code == 302, response.content[:2000]
    user.refresh_from_db()
    assert user.is_active is False
    assert AuditRecord.objects.filter(action="person.deactivated", target_id=str(user.pk)).exists()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/me/").status_code == 401


def test_the_admin_moves_a_person_to_another_agency(personas):
    user = personas.user("member")
    new_agency = AgencyFactory(short_name="NEWAG")
    response = admin_client().post(
        f"/admin/auth/user/{user.pk}/change/",
        change_form(user, **{"profile-0-agency": str(new_agency.pk), "profile-0-title": "Sgt"}),
    )
    assert response.status_code == 302, response.content[:2000]
    profile = Profile.objects.get(user=user)
    assert profile.agency == new_agency and profile.title == "Sgt"
    assert AuditRecord.objects.filter(action="person.agency_changed").exists()


def test_the_admin_gives_a_new_account_its_profile(personas):
    User = get_user_model()
    client = admin_client()
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "new.analyst",
            "password1": "a-long-enough-passphrase-9",
            "password2": "a-long-enough-passphrase-9",
            "usable_password": "true",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-agency": str(personas.agency("member").pk),
            "profile-0-profession": "analyst",
            "profile-0-role": "member",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(username="new.analyst")
    assert user.profile.agency == personas.agency("member")
    assert AuditRecord.objects.filter(action="person.profile_created").exists()

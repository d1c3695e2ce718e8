"""Times on the pages are in the viewer's zone: their own (profile), else their task force's,
else the portal's default; the zone is named after every time and given to scripts on
<body data-time-zone>."""

import datetime as dt
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import formats

from agencies.models import Profile
from agencies.selectors import viewer_time_zone
from tests.agencies.factories import AgencyFactory, person
from tests.html import tables

pytestmark = pytest.mark.django_db

SIGNED_IN_AT = dt.datetime(2026, 7, 1, 15, 30, tzinfo=dt.UTC)


class _Body(HTMLParser):
    def __init__(self):
        super().__init__()
        self.attrs = None

    def handle_starttag(self, tag, attrs):
        if tag == "body" and self.attrs is None:
            self.attrs = dict(attrs)


def body_attrs(html: str) -> dict:
    parser = _Body()
    parser.feed(html)
    return parser.attrs or {}


def shown_in(zone: str, when=SIGNED_IN_AT) -> str:
    return formats.date_format(when.astimezone(zoneinfo.ZoneInfo(zone)), "SHORT_DATETIME_FORMAT")


@pytest.fixture
def admin(personas):
    user = personas.user("manager")
    Profile.objects.filter(user=user).update(is_agency_admin=True)
    return user


def last_sign_in(client) -> str:
    # After the client signed in, which sets last_login to now.
    get_user_model().objects.filter(username="manager.liaison").update(last_login=SIGNED_IN_AT)
    page = client.get("/agency/people/").content.decode()
    rows = [row for rows in tables(page).values() for row in rows]
    (row,) = [row for row in rows if "manager.liaison" in row]
    return row[-1]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_person_with_their_own_zone_sees_page_times_in_it(admin):
    Profile.objects.filter(user=admin).update(time_zone="Asia/Tokyo")
    assert last_sign_in(signed_in(admin)) == shown_in("Asia/Tokyo")


def test_without_a_zone_of_their_own_a_person_sees_their_task_forces_zone(personas, admin):
    personas.task_force.time_zone = "America/Denver"
    personas.task_force.save()
    assert last_sign_in(signed_in(admin)) == shown_in("America/Denver")


def test_the_zone_is_named_after_the_time(admin):
    Profile.objects.filter(user=admin).update(time_zone="Asia/Tokyo")
    assert last_sign_in(signed_in(admin)).endswith(" JST")


def test_the_body_carries_the_viewers_zone_for_scripts(personas):
    Profile.objects.filter(user=personas.user("viewer")).update(time_zone="Europe/Berlin")
    page = signed_in(personas.user("viewer")).get("/directory/").content.decode()
    assert body_attrs(page)["data-time-zone"] == "Europe/Berlin"
    page = signed_in(personas.user("member")).get("/directory/").content.decode()
    assert body_attrs(page)["data-time-zone"] == personas.task_force.time_zone


def test_anonymous_pages_carry_the_portals_zone(client, settings):
    assert body_attrs(client.get("/login/").content.decode())["data-time-zone"] == (
        settings.TIME_ZONE
    )


def test_the_api_keeps_the_portals_zone(personas, weekly_meeting, settings):
    # Integrations parse the API's times: a person's page zone must not change them.
    coordinator = personas.user("coordinator")
    Profile.objects.filter(user=coordinator).update(time_zone="Asia/Tokyo")
    response = signed_in(coordinator).get(f"/api/v1/meetings/{weekly_meeting.pk}/")
    assert response.status_code == 200
    starts = dt.datetime.fromisoformat(response.json()["starts_at"])
    portal_zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    assert starts.utcoffset() == weekly_meeting.starts_at.astimezone(portal_zone).utcoffset()


class TestViewerTimeZone:
    def test_the_persons_own_zone_comes_first(self, personas):
        user = personas.user("member")
        Profile.objects.filter(user=user).update(time_zone="Pacific/Honolulu")
        user.refresh_from_db()
        assert viewer_time_zone(user) == "Pacific/Honolulu"

    def test_else_the_zone_of_the_task_force_their_agency_is_in(self, personas):
        personas.other_task_force.time_zone = "America/Phoenix"
        personas.other_task_force.save()
        assert viewer_time_zone(personas.user("other")) == "America/Phoenix"

    def test_else_the_portals_default(self, settings, db):
        settings.TIME_ZONE = "America/New_York"
        loner = person(AgencyFactory())
        assert viewer_time_zone(loner) == "America/New_York"

    def test_anonymous_visitors_get_the_default(self, settings):
        from django.contrib.auth.models import AnonymousUser

        assert viewer_time_zone(AnonymousUser()) == settings.TIME_ZONE

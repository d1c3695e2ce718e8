"""Sessions: locked after 30 idle minutes, over after 12 hours, the dashboard socket no
longer than its session, and production's cookie flags and security headers."""

import asyncio
import datetime as dt
import json

import pytest
import time_machine
from asgiref.sync import async_to_sync
from channels.testing.websocket import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.asgi import application
from tests.agencies.factories import PASSWORD, AgencyFactory, person
from tests.portal.test_settings import run as run_python

# Frozen at the real time: sessions made under the time machine stay valid once it stops.
T0 = dt.datetime.now(dt.UTC).replace(microsecond=0)
ACTIVITY = "crossroads_activity"


@pytest.fixture
def officer(db):
    return person(AgencyFactory(short_name="HOME"), username="officer")


def signed_in() -> Client:
    client = Client()
    response = client.post("/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    return client


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.mark.django_db
def test_a_session_idle_for_thirty_minutes_is_signed_out(officer):
    with time_machine.travel(T0, tick=False) as traveller:
        client = signed_in()
        for _ in range(3):
            traveller.shift(minutes(29))
            assert client.get("/").status_code == 200
        traveller.shift(minutes(31))
        response = client.get("/directory/")
        assert response.status_code == 302
        assert response["Location"] == "/login/?next=/directory/"
        # The browser is told to forget the session.
        assert client.cookies["sessionid"].value == ""
        page = client.get(response["Location"]).content.decode()
        assert "signed out after 30 minutes without activity" in page


@pytest.mark.django_db
def test_an_idle_session_opens_no_api(officer):
    with time_machine.travel(T0, tick=False) as traveller:
        client = signed_in()
        assert client.get("/api/v1/me/").status_code == 200
        traveller.shift(minutes(31))
        assert client.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_the_idle_limit_is_configurable(officer, settings):
    settings.SESSION_IDLE_MINUTES = 5
    with time_machine.travel(T0, tick=False) as traveller:
        client = signed_in()
        traveller.shift(minutes(4))
        assert client.get("/").status_code == 200
        traveller.shift(minutes(6))
        assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_without_its_activity_cookie_a_session_counts_from_the_sign_in(officer):
    with time_machine.travel(T0, tick=False) as traveller:
        client = signed_in()
        traveller.shift(minutes(20))
        assert client.get("/").status_code == 200
        del client.cookies[ACTIVITY]
        assert client.get("/").status_code == 200
        traveller.shift(minutes(11))
        # 31 minutes after the sign-in and no proof of activity since.
        del client.cookies[ACTIVITY]
        assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_another_sessions_activity_cookie_does_not_count(officer):
    with time_machine.travel(T0, tick=False) as traveller:
        first, second = signed_in(), signed_in()
        traveller.shift(minutes(25))
        first.get("/")
        traveller.shift(minutes(10))
        second.cookies[ACTIVITY] = first.cookies[ACTIVITY].value
        assert first.get("/").status_code == 200
        assert second.get("/").status_code == 302


@pytest.mark.django_db
def test_a_forged_activity_cookie_does_not_count(officer):
    with time_machine.travel(T0, tick=False) as traveller:
        client = signed_in()
        traveller.shift(minutes(31))
        client.cookies[ACTIVITY] = '{"s": "x", "t": 9999999999}'
        assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_session_ends_twelve_hours_after_sign_in_however_active(officer):
    with time_machine.travel(T0, tick=False) as traveller:
        client = signed_in()
        key = client.cookies["sessionid"].value
        for _ in range(28):
            traveller.shift(minutes(25))
            assert client.get("/").status_code == 200
        # The expiry is the one set at sign-in: activity never moved it.
        expiry = Session.objects.get(session_key=key).expire_date
        assert expiry == T0 + dt.timedelta(hours=12)
        traveller.shift(minutes(25))
        assert client.get("/").status_code == 302
        assert client.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_the_keepalive_renews_the_activity_and_writes_nothing(officer):
    with time_machine.travel(T0, tick=False) as traveller:
        client = signed_in()
        for _ in range(3):
            traveller.shift(minutes(20))
            response = client.get("/session/active/")
            assert response.status_code == 204
            assert ACTIVITY in response.cookies
        traveller.shift(minutes(31))
        assert client.get("/session/active/").status_code == 401
        assert Client().get("/session/active/").status_code == 401


@pytest.mark.django_db
def test_signing_out_ends_the_session(officer):
    client = signed_in()
    key = client.cookies["sessionid"].value
    client.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302


# The dashboard socket. Sessions are made before the event loop runs (logging in touches the
# database), and their cookie is given to the handshake.


def socket(cookie: bytes) -> WebsocketCommunicator:
    headers = [(b"host", b"localhost"), (b"origin", b"http://localhost"), (b"cookie", cookie)]
    return WebsocketCommunicator(application, "/ws/dashboard/", headers=headers)


async def connect(communicator):
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    assert (await communicator.receive_json_from(timeout=5)) == {"type": "ready"}
    return communicator


async def closed_after_accept(communicator) -> int:
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    message = await communicator.receive_output(timeout=5)
    assert message["type"] == "websocket.close"
    return message["code"]


def run(coroutine):
    return async_to_sync(coroutine)()


def cookie_header(client: Client, *, activity: bool = True) -> bytes:
    parts = [f"sessionid={client.cookies['sessionid'].value}"]
    if activity and ACTIVITY in client.cookies:
        parts.append(f"{ACTIVITY}={client.cookies[ACTIVITY].value}")
    return "; ".join(parts).encode()


async def close_code(communicator) -> int:
    """Reads frames until the socket closes, answering heartbeats; returns the code."""
    while True:
        message = await communicator.receive_output(timeout=5)
        if message["type"] == "websocket.close":
            return message["code"]
        if json.loads(message["text"]).get("type") == "heartbeat":
            await communicator.send_json_to({"type": "pong"})


@pytest.mark.django_db(transaction=True)
def test_the_socket_closes_with_4403_when_the_session_goes_idle(officer, settings):
    settings.DASHBOARD_HEARTBEAT_SECONDS = 0.3
    with time_machine.travel(T0, tick=True) as traveller:
        cookie = cookie_header(signed_in())

        async def scenario():
            communicator = await connect(socket(cookie))
            traveller.shift(minutes(20))
            # A heartbeat's pong keeps the connection, not the session.
            await communicator.send_json_to({"type": "pong"})
            traveller.shift(minutes(11))
            assert await close_code(communicator) == 4403

        run(scenario)


@pytest.mark.django_db(transaction=True)
def test_the_page_being_used_keeps_the_socket_open(officer, settings):
    settings.DASHBOARD_HEARTBEAT_SECONDS = 0.3
    with time_machine.travel(T0, tick=True) as traveller:
        cookie = cookie_header(signed_in())

        async def scenario():
            communicator = await connect(socket(cookie))
            traveller.shift(minutes(20))
            await communicator.send_json_to({"type": "active"})
            await asyncio.sleep(0.1)
            traveller.shift(minutes(20))
            frame = await communicator.receive_json_from(timeout=2)
            assert frame == {"type": "heartbeat"}
            await communicator.send_json_to({"type": "pong"})
            traveller.shift(minutes(11))
            assert await close_code(communicator) == 4403

        run(scenario)


@pytest.mark.django_db(transaction=True)
def test_an_idle_session_cannot_open_a_socket_and_its_activity_cookie_counts(officer):
    with time_machine.travel(T0, tick=True) as traveller:
        client = signed_in()
        traveller.shift(minutes(25))
        client.get("/")
        traveller.shift(minutes(15))
        fresh, stale = cookie_header(client), cookie_header(client, activity=False)

        async def scenario():
            # Active 15 minutes ago (the cookie says so): welcome.
            communicator = await connect(socket(fresh))
            await communicator.disconnect()
            # Without it, the session counts from its sign-in, 40 minutes ago: ended.
            assert await closed_after_accept(socket(stale)) == 4401

        run(scenario)


@pytest.mark.django_db(transaction=True)
def test_a_socket_needs_the_second_step_where_one_is_owed(officer, settings):
    settings.REQUIRE_MFA = True
    TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client = signed_in()
    unverified = cookie_header(client)
    verified_client = signed_in()
    session = verified_client.session
    session["otp_device_id"] = TOTPDevice.objects.get().persistent_id
    session.save()
    verified = cookie_header(verified_client)

    async def scenario():
        assert await closed_after_accept(socket(unverified)) == 4401
        communicator = await connect(socket(verified))
        await communicator.disconnect()

    run(scenario)


PRODUCTION_REQUESTS = """
import json
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

call_command("migrate", verbosity=0)
get_user_model().objects.create_superuser("root", "root@example.org", "a-long-root-password")
# Static files are not collected here: the plain storage names them without a manifest.
storages = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
with override_settings(STORAGES=storages):
    client = Client(HTTP_HOST="crossroads.example.org")
    page = client.get("/login/", secure=True)
    signin = client.post(
        "/login/", {"username": "root", "password": "a-long-root-password"}, secure=True
    )
def cookies(response):
    flags = ["secure", "httponly", "samesite", "path", "domain"]
    return {
        name: {flag: morsel[flag] for flag in flags} for name, morsel in response.cookies.items()
    }
print(json.dumps({
    "page_status": page.status_code,
    "page_headers": dict(page.headers),
    "page_cookies": cookies(page),
    "signin_status": signin.status_code,
    "signin_location": signin.get("Location"),
    "signin_cookies": cookies(signin),
}))
"""


@pytest.fixture(scope="module")
def production():
    result = run_python(
        ["-c", PRODUCTION_REQUESTS],
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="k3y-" + "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978",
        DJANGO_ALLOWED_HOSTS="crossroads.example.org",
        DATABASE_URL="sqlite://:memory:",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_httponly_samesite_and_host_only(production):
    assert production["page_status"] == 200
    csrf = production["page_cookies"]["csrftoken"]
    assert (csrf["secure"], csrf["samesite"]) == (True, "Lax")
    cookies = production["signin_cookies"]
    for name in ["__Host-sessionid", "__Host-crossroads_activity"]:
        assert cookies[name] == {
            "secure": True,
            "httponly": True,
            "samesite": "Lax",
            "path": "/",
            "domain": "",
        }, name


def test_production_requires_the_second_factor_by_default(production):
    assert production["signin_status"] == 302
    assert production["signin_location"].startswith("/account/mfa/enrol/")


def test_production_sends_the_security_headers(production):
    headers = production["page_headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy

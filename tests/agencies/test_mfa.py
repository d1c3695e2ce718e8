"""The second factor: required when the portal says so (pages and the session API, not
bearer tokens), enrolment with a real TOTP code, recovery codes that work once, removal and
the agency admin's reset, and the pages' strict policy."""

import datetime as dt
import re
from base64 import b32decode
from html import unescape
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from activity.models import AuditRecord
from agencies import services
from agencies.signin import enrolment_key, enrolment_start
from tests.agencies.factories import PASSWORD, AgencyFactory, UserFactory, person
from tests.conftest import bearer_client
from tests.frontend.test_csp import inventory

pytestmark = pytest.mark.django_db

# Frozen at the real time, so that sessions made under the time machine are still live (not
# idle, not expired) once it stops.
T0 = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture
def people(db):
    home = AgencyFactory(name="Home Police Department", short_name="HOME")
    other = AgencyFactory(name="Other Police Department", short_name="OTHER")
    return SimpleNamespace(
        officer=person(home, username="officer"),
        admin=person(home, username="home.admin", is_agency_admin=True),
        other_admin=person(other, username="other.admin", is_agency_admin=True),
        root=UserFactory(username="root", is_superuser=True, is_staff=True),
    )


@pytest.fixture
def required(settings):
    settings.REQUIRE_MFA = True


def code(key_hex: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` steps of 30 s later)."""
    return f"{totp(bytes.fromhex(key_hex), drift=steps_ahead):06d}"


def enrolled(user) -> str:
    """Give ``user`` an authenticator through the service; returns its secret."""
    key = enrolment_key(user, enrolment_start(user))
    services.mfa_enrol(user=user, key=key, token=code(key))
    return key


def password_step(username="officer", next_url=None) -> tuple[Client, object]:
    client = Client()
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client, client.post("/login/", data)


def page_key(page: str) -> tuple[str, str]:
    """The signed enrolment field and the secret (as hex) an enrolment page shows."""
    signed = re.search(r'name="enrolment" value="([^"]+)"', page).group(1)
    manual = re.search(r'<code class="manual-key">([^<]+)</code>', page).group(1)
    return unescape(signed), b32decode(manual.replace(" ", "")).hex()


def test_when_required_a_person_without_authenticator_is_led_to_enrolment_first(people, required):
    client, response = password_step()
    assert response["Location"] == "/account/mfa/enrol/?next=%2F"
    for path in ["/", "/directory/", "/cases/", "/account/", "/admin/"]:
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer["Location"].startswith("/account/mfa/enrol/?next="), path
    assert client.get("/account/mfa/enrol/").status_code == 200


def test_when_required_the_session_api_answers_403_until_the_second_step(people, required):
    client, _ = password_step()
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
    post = client.post("/api/v1/cases/", {}, content_type="application/json")
    assert post.status_code == 403


def test_bearer_tokens_need_no_second_factor(people, required):
    enrolled(people.officer)
    assert bearer_client(people.officer).get("/api/v1/me/").status_code == 200


def test_when_not_required_a_password_is_enough(people, settings):
    settings.REQUIRE_MFA = False
    client, response = password_step()
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_an_enrolled_person_gives_a_code_even_when_not_required(people, settings):
    settings.REQUIRE_MFA = False
    with time_machine.travel(T0, tick=False) as traveller:
        key = enrolled(people.officer)
        client, response = password_step()
        assert response["Location"] == "/login/verify/?next=%2F"
        assert client.get("/").status_code == 302
        traveller.shift(60)
        done = client.post("/login/verify/", {"otp_token": code(key), "next": "/"})
    assert done["Location"] == "/"
    assert client.get("/").status_code == 200


def test_enrolment_with_a_real_code_from_the_app(people, required):
    with time_machine.travel(T0, tick=False):
        client, _ = password_step()
        page = client.get("/account/mfa/enrol/?next=/directory/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "<svg" in html and "<script" not in html.split("<main", 1)[1]
        signed, key = page_key(html)
        response = client.post(
            "/account/mfa/enrol/",
            {"enrolment": signed, "otp_token": code(key), "next": "/directory/"},
        )
    assert response.status_code == 200
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(shown) == 10
    assert set(shown) == set(StaticToken.objects.values_list("token", flat=True))
    assert TOTPDevice.objects.get(user=people.officer).confirmed
    # The session carries both factors now.
    assert client.get("/directory/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    actions = list(AuditRecord.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["mfa.enrolled", "signin.succeeded"]
    assert AuditRecord.objects.get(action="signin.succeeded").changes == {
        "factors": ["password", "totp"]
    }


def test_a_wrong_first_code_enrols_nothing(people, required):
    with time_machine.travel(T0, tick=False):
        client, _ = password_step()
        signed, key = page_key(client.get("/account/mfa/enrol/").content.decode())
        wrong = f"{(int(code(key)) + 1) % 1_000_000:06d}"
        response = client.post("/account/mfa/enrol/", {"enrolment": signed, "otp_token": wrong})
    assert response.status_code == 400
    assert "does not match" in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()


def test_an_enrolment_secret_that_was_not_handed_out_is_refused(people, required):
    client, _ = password_step()
    signed, key = page_key(client.get("/account/mfa/enrol/").content.decode())
    for forged in [signed[:-2] + "xx", enrolment_start(people.admin), "", "x" * 5000]:
        response = client.post("/account/mfa/enrol/", {"enrolment": forged, "otp_token": code(key)})
        assert response.status_code == 302
        assert response["Location"].startswith("/account/mfa/enrol/")
    assert not TOTPDevice.objects.exists()


def test_signing_in_with_a_code(people, required):
    with time_machine.travel(T0, tick=False) as traveller:
        key = enrolled(people.officer)
        client, response = password_step(next_url="/directory/")
        assert response["Location"] == "/login/verify/?next=%2Fdirectory%2F"
        assert client.get("/api/v1/me/").status_code == 403
        # The code that enrolled the app cannot be used again; the next one can.
        reused = client.post("/login/verify/", {"otp_token": code(key), "next": "/directory/"})
        assert reused.status_code == 400
        traveller.shift(60)
        done = client.post("/login/verify/", {"otp_token": code(key), "next": "/directory/"})
    assert done["Location"] == "/directory/"
    assert client.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_the_second_step_refuses_a_next_to_another_host(people, required, target):
    with time_machine.travel(T0, tick=False) as traveller:
        key = enrolled(people.officer)
        client, response = password_step(next_url=target)
        assert response["Location"] == "/login/verify/?next=%2F"
        traveller.shift(60)
        done = client.post("/login/verify/", {"otp_token": code(key), "next": target})
    assert done["Location"] == "/"


def test_a_recovery_code_signs_in_once(people, required):
    enrolled(people.officer)
    recovery = StaticToken.objects.first().token
    client, _ = password_step()
    done = client.post("/login/verify/", {"otp_token": recovery.upper(), "next": "/"})
    assert done["Location"] == "/"
    assert AuditRecord.objects.filter(action="signin.succeeded").latest("id").changes == {
        "factors": ["password", "recovery_code"]
    }
    again, _ = password_step()
    refused = again.post("/login/verify/", {"otp_token": recovery, "next": "/"})
    assert refused.status_code == 400
    assert again.get("/").status_code == 302
    assert StaticToken.objects.count() == 9


def test_new_recovery_codes_replace_the_old_ones(people, required):
    with time_machine.travel(T0, tick=False) as traveller:
        key = enrolled(people.officer)
        old = set(StaticToken.objects.values_list("token", flat=True))
        client, _ = password_step()
        traveller.shift(60)
        client.post("/login/verify/", {"otp_token": code(key)})
        response = client.post("/account/mfa/recovery-codes/")
    new = set(re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode()))
    assert len(new) == 10 and not new & old
    assert new == set(StaticToken.objects.values_list("token", flat=True))
    assert AuditRecord.objects.filter(action="mfa.recovery_codes_regenerated").count() == 1


def test_removing_the_authenticator_takes_a_current_code(people, settings):
    settings.REQUIRE_MFA = False
    with time_machine.travel(T0, tick=False) as traveller:
        key = enrolled(people.officer)
        client, _ = password_step()
        traveller.shift(60)
        client.post("/login/verify/", {"otp_token": code(key)})
        refused = client.post("/account/mfa/remove/", {"otp_token": "000000"})
        assert refused.status_code == 400
        assert TOTPDevice.objects.exists()
        traveller.shift(60)
        removed = client.post("/account/mfa/remove/", {"otp_token": code(key)})
    assert removed["Location"] == "/account/"
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert AuditRecord.objects.filter(action="mfa.removed", actor=people.officer).exists()


def test_the_agency_admin_resets_a_persons_second_factor(people, required):
    enrolled(people.officer)
    assert services.mfa_reset(actor=people.admin, user=people.officer) == 2
    assert not TOTPDevice.objects.filter(user=people.officer).exists()
    record = AuditRecord.objects.get(action="mfa.reset")
    assert (record.actor, record.target_id) == (people.admin, str(people.officer.pk))
    # At the next sign-in the person sets up an authenticator again.
    _, response = password_step()
    assert response["Location"].startswith("/account/mfa/enrol/")


def test_an_admin_of_another_agency_cannot_reset(people, required):
    enrolled(people.officer)
    with pytest.raises(PermissionDenied):
        services.mfa_reset(actor=people.other_admin, user=people.officer)
    with pytest.raises(PermissionDenied):
        services.mfa_reset(actor=people.officer, user=people.admin)
    assert TOTPDevice.objects.filter(user=people.officer).exists()
    assert not AuditRecord.objects.filter(action="mfa.reset").exists()


def test_a_superuser_resets_anyone(people, required):
    enrolled(people.other_admin)
    services.mfa_reset(actor=people.root, user=people.other_admin)
    assert not TOTPDevice.objects.filter(user=people.other_admin).exists()


def test_a_reset_unverifies_open_sessions(people, required):
    with time_machine.travel(T0, tick=False) as traveller:
        key = enrolled(people.officer)
        client, _ = password_step()
        traveller.shift(60)
        client.post("/login/verify/", {"otp_token": code(key)})
        assert client.get("/").status_code == 200
        services.mfa_reset(actor=people.admin, user=people.officer)
        # The read writes nothing, though the session names a device that is gone.
        response = client.get("/")
    assert response["Location"].startswith("/account/mfa/enrol/")


def test_the_second_step_pages_run_no_inline_script_or_style(people, required):
    enrolled(people.officer)
    client, _ = password_step()
    verify = client.get("/login/verify/")
    assert verify.status_code == 200
    other, _ = password_step("home.admin")
    enrol = other.get("/account/mfa/enrol/")
    for response in (verify, enrol):
        found = inventory(response)
        assert (found.inline_scripts, found.handlers, found.inline_styles) == ([], [], [])
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_wrong_codes_count_toward_the_lock_out(people, required):
    enrolled(people.officer)
    client, _ = password_step()
    for _ in range(4):
        response = client.post("/login/verify/", {"otp_token": "12345x"})
        assert response.status_code == 400
    fifth = client.post("/login/verify/", {"otp_token": "999999x"})
    # Locked: the half-signed-in session ends, with the one safe message.
    assert fifth["Location"] == "/login/"
    assert "could not be completed" in client.get("/login/").content.decode()
    assert client.get("/").status_code == 302
    failed = AuditRecord.objects.filter(action="signin.failed")
    assert [r.changes["step"] for r in failed] == ["code"] * 5
    assert AuditRecord.objects.filter(action="signin.locked").count() == 1
    _, again = password_step()
    assert again.status_code == 200


def test_a_correct_password_between_wrong_codes_does_not_reset_the_count(people, required):
    enrolled(people.officer)
    for _ in range(2):
        client, _ = password_step()
        client.post("/login/verify/", {"otp_token": "000000x"})
        client.post("/login/verify/", {"otp_token": "000000x"})
    client, _ = password_step()
    assert client.post("/login/verify/", {"otp_token": "000000x"})["Location"] == "/login/"

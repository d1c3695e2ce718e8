"""Passwords after NIST SP 800-63B (12 characters at least, not common, not like the person's
details, not all digits), changed by the person or reset through an e-mailed link, audited."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from activity.models import AuditRecord
from agencies import services
from tests.agencies.factories import PASSWORD, AgencyFactory, person
from tests.frontend.test_csp import inventory

pytestmark = pytest.mark.django_db

NEW = "lantern-harbor-orchid-42"


@pytest.fixture
def officer(db):
    return person(
        AgencyFactory(short_name="HOME"),
        username="officer",
        first_name="Dana",
        last_name="Whitfield",
        email="officer@home.example.org",
    )


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-pass1", "at least 12 characters"),
        ("1qaz2wsx3edc", "too common"),
        ("839201748392017", "entirely numeric"),
        ("danawhitfield1", "too similar"),
    ],
)
def test_weak_passwords_are_refused(officer, password, reason):
    with pytest.raises(ValidationError) as refused:
        services.password_set(actor=officer, user=officer, password=password)
    assert reason in " ".join(refused.value.messages)
    assert officer.check_password(PASSWORD)
    assert not AuditRecord.objects.filter(action="password.changed").exists()


def test_the_demo_password_passes_the_rules():
    password_validation.validate_password(settings.DEMO_PASSWORD)


def test_changing_the_password_keeps_the_session_and_is_audited(client, officer):
    client.force_login(officer)
    refused = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "too-short", "new_password2": "too-short"},
    )
    assert refused.status_code == 200
    assert "at least 12 characters" in refused.content.decode()
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response["Location"] == "/account/"
    assert client.get("/").status_code == 200
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    record = AuditRecord.objects.get(action="password.changed")
    assert (record.actor, record.target_id) == (officer, str(officer.pk))


def test_a_password_change_ends_the_persons_other_sessions(officer):
    other = Client()
    other.force_login(officer)
    services.password_set(actor=officer, user=officer, password=NEW)
    # Django flushes such a session on its next request; a POST, since that is a write.
    response = other.post("/account/mfa/recovery-codes/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def reset_link(client, email) -> str:
    response = client.post("/password/reset/", {"email": email})
    assert response["Location"] == "/password/reset/sent/"
    (message,) = mail.outbox
    return re.search(r"https?://testserver(/password/reset/\S+/)", message.body).group(1)


def test_a_reset_by_e_mail_from_start_to_end(client, officer):
    link = reset_link(client, "officer@home.example.org")
    assert mail.outbox[0].to == ["officer@home.example.org"]
    assert "Crossroads" in mail.outbox[0].subject
    form = client.get(link)
    assert form.status_code == 200
    found = inventory(form)
    assert (found.inline_scripts, found.handlers, found.inline_styles) == ([], [], [])
    weak = client.post(link, {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 400
    done = client.post(link, {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/password/reset/complete/"
    assert Client().login(username="officer", password=NEW)
    record = AuditRecord.objects.get(action="password.reset")
    assert record.target_id == str(officer.pk)
    # The link worked once.
    again = client.get(link)
    assert "does not work" in again.content.decode()
    assert client.post(link, {"new_password1": NEW, "new_password2": NEW}).status_code == 200


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, officer):
    response = client.post("/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/password/reset/sent/"
    assert mail.outbox == []


@pytest.mark.parametrize(
    "path",
    [
        "/password/reset/MQ/set-password/",
        "/password/reset/%FF%FE/abc-123/",
        "/password/reset/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5/abc-123/",
        "/password/reset/bm90LWEtbnVtYmVy/abc-123/",
    ],
)
def test_a_bad_reset_link_is_a_clear_answer_not_an_error(client, officer, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "does not work" in response.content.decode()

"""Length and size limits of cases: a value past its limit is refused with a clear 400 that
says so, and nothing changes (issue 11: a 5,000-character title broke every page)."""

import pytest

from cases.models import (
    NOTE_MAX_LENGTH,
    PURPOSE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Note,
)
from tests.personas import api_client
from tests.snapshots import assert_unchanged, database_state

pytestmark = pytest.mark.django_db


def _refused(response, field):
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()
    return response.json()["fields"][field]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "T" * (TITLE_MAX_LENGTH + 1)}, "title"),
        ({"summary": "s" * (SUMMARY_MAX_LENGTH + 1)}, "summary"),
        ({"trafficking_type": "smuggling"}, "trafficking_type"),
        ({"status": "active", "status_reason": "r" * (REASON_MAX_LENGTH + 1)}, "status_reason"),
    ],
)
def test_a_case_change_past_a_limit_is_refused_and_changes_nothing(
    personas, shared_case, payload, field
):
    client = api_client(personas, "manager")
    before = database_state()
    _refused(client.patch(f"/api/v1/cases/{shared_case.pk}/", payload, format="json"), field)
    assert_unchanged(before)


def test_opening_a_case_with_a_long_title_is_refused(personas):
    client = api_client(personas, "manager")
    before = database_state()
    response = client.post(
        "/api/v1/cases/",
        {"title": "x" * 5000, "task_force": personas.task_force.pk, "kind": "other"},
        format="json",
    )
    _refused(response, "title")
    assert_unchanged(before)


def test_a_share_with_a_long_purpose_is_refused(personas, shared_case):
    client = api_client(personas, "manager")
    before = database_state()
    response = client.post(
        f"/api/v1/cases/{shared_case.pk}/access/",
        {
            "agency": personas.agency("member").pk,
            "level": "view",
            "purpose": "p" * (PURPOSE_MAX_LENGTH + 1),
        },
        format="json",
    )
    _refused(response, "purpose")
    assert_unchanged(before)


def test_a_note_past_the_limit_is_refused_with_the_count(personas, shared_case):
    client = api_client(personas, "manager")
    before = database_state()
    response = client.post(
        f"/api/v1/cases/{shared_case.pk}/notes/",
        {"body": "n" * (NOTE_MAX_LENGTH + 13)},
        format="json",
    )
    (message,) = _refused(response, "body")
    assert message == (
        f"Notes are limited to {NOTE_MAX_LENGTH:,} characters; "
        f"this one has {NOTE_MAX_LENGTH + 13:,}."
    )
    assert_unchanged(before)


def test_a_note_at_the_limit_is_kept_whole(personas, shared_case):
    client = api_client(personas, "manager")
    response = client.post(
        f"/api/v1/cases/{shared_case.pk}/notes/", {"body": "n" * NOTE_MAX_LENGTH}, format="json"
    )
    assert response.status_code == 201
    assert len(Note.objects.get(pk=response.json()["id"]).body) == NOTE_MAX_LENGTH


def test_a_long_redaction_reason_is_refused_not_cut(personas, case_notes):
    client = api_client(personas, "manager")
    before = database_state()
    response = client.delete(
        f"/api/v1/notes/{case_notes.open.pk}/",
        {"reason": "r" * (REASON_MAX_LENGTH + 1)},
        format="json",
    )
    _refused(response, "reason")
    assert_unchanged(before)


def test_the_services_refuse_a_long_status_reason_instead_of_cutting_it(personas, shared_case):
    from django.core.exceptions import ValidationError

    from cases import services

    with pytest.raises(ValidationError) as refused:
        services.case_change_status(
            actor=personas.user("manager"),
            case=shared_case,
            status="active",
            reason="r" * (REASON_MAX_LENGTH + 1),
        )
    assert "limited to 500 characters" in str(refused.value)
    shared_case.refresh_from_db()
    assert shared_case.status == "open"


def test_the_services_refuse_a_long_redaction_reason_instead_of_cutting_it(personas, case_notes):
    from django.core.exceptions import ValidationError

    from cases import services

    with pytest.raises(ValidationError) as refused:
        services.note_redact(actor=personas.user("manager"), note=case_notes.open, reason="r" * 501)
    assert "Redaction reasons are limited to 500 characters; this one has 501." in str(
        refused.value
    )
    assert not Note.objects.get(pk=case_notes.open.pk).is_redacted

"""Evidence files: uploaded by contributors, seen like notes, downloaded only through the
policy (attachment, nosniff, safe type, audited), limited in size, hashed, redacted."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from activity.models import AuditRecord, Event
from cases import services
from cases.models import EvidenceFile, NoteVisibility
from tests.cases.evidence import png_bytes, restricted_upload, upload
from tests.personas import ANONYMOUS, api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(personas, shared_case, evidence_dir):
    return upload(personas.user("manager"), shared_case), restricted_upload(personas, shared_case)


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("persona", "sees_case_wide", "sees_restricted"),
    [
        ("manager", True, True),
        ("contributor", True, True),
        ("viewer", True, False),
        ("excluded", True, False),
        ("member", False, False),
        ("other", False, False),
    ],
)
def test_files_are_seen_and_downloaded_only_as_the_policy_allows(
    personas, shared_case, files, persona, sees_case_wide, sees_restricted
):
    case_wide, restricted = files
    client = api_client(personas, persona)
    listed = client.get(f"/api/v1/cases/{shared_case.pk}/files/")
    if sees_case_wide:
        assert (case_wide.pk in _ids(listed), restricted.pk in _ids(listed)) == (
            True,
            sees_restricted,
        )
    else:
        assert listed.status_code == 404
    for evidence, sees in [(case_wide, sees_case_wide), (restricted, sees_restricted)]:
        assert client.get(f"/api/v1/files/{evidence.pk}/").status_code == (200 if sees else 404)
        download = client.get(f"/api/v1/files/{evidence.pk}/download")
        assert download.status_code == (200 if sees else 404)
        if sees:
            assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == (
                evidence.sha256
            )


def test_anonymous_downloads_nothing(personas, files):
    client = api_client(personas, ANONYMOUS)
    assert client.get(f"/api/v1/files/{files[0].pk}/download").status_code in (401, 403)


def test_a_download_is_an_audited_attachment_with_nosniff(personas, files):
    evidence = files[0]
    response = api_client(personas, "viewer").get(f"/api/v1/files/{evidence.pk}/download")
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="photo.png"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    record = AuditRecord.objects.get(action="file.downloaded")
    assert record.actor == personas.user("viewer")
    assert record.changes["sha256"] == evidence.sha256


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"<html><script>alert(1)</script></html>"),
        ("diagram.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("data.xml", b'<?xml version="1.0"?><a/>'),
        ("tool.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("run.txt", b"#!/bin/sh\nrm -rf /\x00\n"),
    ],
)
def test_dangerous_types_are_sent_only_as_octet_stream(
    personas, shared_case, evidence_dir, name, content
):
    evidence = upload(personas.user("manager"), shared_case, name=name, content=content)
    response = api_client(personas, "manager").get(f"/api/v1/files/{evidence.pk}/download")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_the_type_comes_from_the_content_not_the_name(personas, shared_case, evidence_dir):
    evidence = upload(
        personas.user("manager"), shared_case, name="report.html", content=png_bytes()
    )
    assert evidence.content_type == "image/png"
    text = upload(personas.user("manager"), shared_case, name="x.exe", content=b"Plain words.\n")
    assert text.content_type == "text/plain"


def test_the_digest_is_recorded_at_upload(personas, shared_case, evidence_dir):
    content = b"Invented ledger, page 1.\n" * 1000
    response = api_client(personas, "contributor").post(
        f"/api/v1/cases/{shared_case.pk}/files/",
        {"file": SimpleUploadedFile("ledger.txt", content)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["size"] == len(content)
    assert body["uploaded_by_agency"]["short_name"] == "CON"
    event = Event.objects.get(kind="case.file_added")
    assert event.payload["file"]["sha256"] == body["sha256"]


def test_a_file_past_the_limit_is_refused_and_nothing_is_stored(
    personas,
    shared_case,
    evidence_dir,
    settings,
):
    settings.EVIDENCE_MAX_BYTES = 1000
    response = api_client(personas, "contributor").post(
        f"/api/v1/cases/{shared_case.pk}/files/",
        {"file": SimpleUploadedFile("big.bin", b"x" * 5000)},
        format="multipart",
    )
    assert response.status_code == 413
    assert "1,000 bytes" in response.json()["detail"]
    assert not EvidenceFile.objects.exists()
    assert not evidence_dir.exists() or not [p for p in evidence_dir.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "payload",
    [{}, {"visibility": "secret"}, {"note": "abc"}, {"restricted_to": "999999"}],
)
def test_bad_upload_input_is_a_clear_400(personas, shared_case, evidence_dir, payload):
    if payload:
        payload = {"file": SimpleUploadedFile("a.txt", b"words"), **payload}
    response = api_client(personas, "contributor").post(
        f"/api/v1/cases/{shared_case.pk}/files/", payload, format="multipart"
    )
    assert response.status_code == 400
    assert not EvidenceFile.objects.exists()


def test_viewers_may_not_upload(personas, shared_case, evidence_dir):
    response = api_client(personas, "viewer").post(
        f"/api/v1/cases/{shared_case.pk}/files/",
        {"file": SimpleUploadedFile("a.txt", b"words")},
        format="multipart",
    )
    assert response.status_code == 403


def test_a_file_on_a_restricted_note_is_seen_only_by_its_readers(
    personas,
    shared_case,
    case_notes,
    evidence_dir,
):
    evidence = upload(
        personas.user("contributor"),
        shared_case,
        note=case_notes.restricted,
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[personas.agency("manager")],
    )
    assert api_client(personas, "manager").get(f"/api/v1/files/{evidence.pk}/").status_code == 200
    excluded = api_client(personas, "excluded")
    assert excluded.get(f"/api/v1/files/{evidence.pk}/download").status_code == 404


def test_redaction_deletes_the_bytes_and_keeps_the_record(personas, files, evidence_dir):
    evidence = files[0]
    stored = evidence_dir / evidence.stored_name
    assert stored.exists()
    viewer = api_client(personas, "viewer")
    refused = viewer.post(f"/api/v1/files/{evidence.pk}/redact/", {"reason": "x"}, format="json")
    assert refused.status_code == 403
    excluded = api_client(personas, "excluded")
    refused = excluded.post(f"/api/v1/files/{evidence.pk}/redact/", {"reason": "x"}, format="json")
    assert refused.status_code == 403  # EXC contributes but did not upload it
    with_capture = api_client(personas, "manager")
    response = with_capture.post(
        f"/api/v1/files/{evidence.pk}/redact/",
        {"reason": "Uploaded to the wrong case"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["redacted"] is True
    assert body["sha256"] == evidence.sha256
    assert body["redacted_by"]["id"] == personas.user("manager").pk
    assert body["download"] is None
    assert viewer.get(f"/api/v1/files/{evidence.pk}/download").status_code == 410


def test_an_uploaders_agency_redacts_its_own_file(
    personas, files, django_capture_on_commit_callbacks
):
    restricted = files[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.file_redact(actor=personas.user("contributor"), evidence=restricted, reason="Dup")
    assert EvidenceFile.objects.get(pk=restricted.pk).is_redacted


def test_a_body_declared_past_the_limit_is_refused_before_it_is_read(
    personas, shared_case, evidence_dir, settings
):
    settings.EVIDENCE_MAX_BYTES = 1000
    client = api_client(personas, "contributor")
    response = client.post(
        f"/api/v1/cases/{shared_case.pk}/files/",
        {"file": SimpleUploadedFile("big.bin", b"x" * 200_000)},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="upload-1",
    )
    assert response.status_code == 413
    assert not EvidenceFile.objects.exists()

"""The schema is the contract: a client generated from it with openapi-python-client imports,
and against the live server lists the agency's cases, follows a cursor page of a case's
notes and adds a note, with typed results. A schema a generator cannot use fails here (as
bodies offered as form and multipart once made the generated code fail with
``NameError: Unset``)."""

import importlib
import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from agencies.services import token_issue
from tests.cases.factories import NoteFactory

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "crossroads_client"


@pytest.fixture
def generated_client(live_server, tmp_path):
    """The package openapi-python-client generates from GET /api/schema/, importable as
    ``crossroads_client`` for the test, and forgotten after it."""
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as answer:  # noqa: S310
        schema = json.load(answer)
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(schema))
    bin_dir = Path(sys.executable).parent
    # The generator formats its output with ruff (a dev tool): it must find it on PATH.
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(schema_file),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _cursor(next_link: str) -> str:
    return parse_qs(urlsplit(next_link).query)["cursor"][0]


def test_a_generated_client_lists_cases_pages_notes_and_adds_one(
    generated_client, live_server, personas, shared_case
):
    # Every module of the generated package imports (each operation and each model).
    for module in ("api.cases", "api.notes", "api.meetings", "api.events", "models"):
        importlib.import_module(f"{PACKAGE}.{module}")
    cases_list = importlib.import_module(f"{PACKAGE}.api.cases.v1_cases_list")
    notes_list = importlib.import_module(f"{PACKAGE}.api.cases.v1_cases_notes_list")
    notes_create = importlib.import_module(f"{PACKAGE}.api.cases.v1_cases_notes_create")
    models = importlib.import_module(f"{PACKAGE}.models")

    manager = personas.user("manager")
    for index in range(3):
        NoteFactory(actor=manager, case=shared_case, body=f"Surveillance log {index}")
    _, secret = token_issue(actor=None, user=manager, name="generated client", scope="write")
    client = generated_client.AuthenticatedClient(
        base_url=live_server.url, token=secret, raise_on_unexpected_status=True
    )

    cases = cases_list.sync(client=client)
    assert isinstance(cases, models.PaginatedCaseList)
    assert [case.id for case in cases.results] == [shared_case.pk]
    assert isinstance(cases.results[0], models.Case)
    assert cases.results[0].title == shared_case.title

    first = notes_list.sync(shared_case.pk, client=client, page_size=2)
    assert isinstance(first, models.PaginatedNoteList)
    assert len(first.results) == 2
    assert all(isinstance(note, models.Note) for note in first.results)
    assert first.next_
    second = notes_list.sync(
        shared_case.pk, client=client, page_size=2, cursor=_cursor(first.next_)
    )
    assert isinstance(second, models.PaginatedNoteList)
    assert [n.body for n in first.results + second.results] == [
        f"Surveillance log {index}" for index in (2, 1, 0)
    ]
    assert not second.next_

    added = notes_create.sync_detailed(
        shared_case.pk,
        client=client,
        body=models.NoteCreateRequest(body="Plate confirmed by the second unit."),
    )
    assert added.status_code == 201
    note = added.parsed
    assert isinstance(note, models.Note)
    assert note.body == "Plate confirmed by the second unit."
    assert note.visibility == models.NoteVisibilityEnum.CASE
    assert note.author.id == manager.pk
    assert added.headers["ETag"] == f'"{note.version}"'
    assert shared_case.notes.filter(pk=note.id).exists()

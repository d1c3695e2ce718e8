"""What the tips tests build on top of the personas (tests/personas.py): a case of another
task force's agency (OTH) that carries a phone number, an e-mail and a note, the values the
blindness tests look for everywhere they must not appear."""

from dataclasses import dataclass

import pytest

from cases import services as case_services
from cases.models import NoteVisibility
from tests.cases.factories import CaseFactory
from tips import services

PHONE_AS_OTH_TYPED = "+1 (913) 555-0177"
PHONE_AS_MGR_TYPES = "913.555.0177"
PHONE_E164 = "+19135550177"
OTH_EMAIL = "recruiter.secret@example.com"
OTH_TITLE = "Interstate recruiter ring"
OTH_NOTE = "Undercover officer UC-19 meets the recruiter on Friday."


@dataclass
class OtherCase:
    case: object
    phone: object
    email: object


@pytest.fixture
def other_case(personas) -> OtherCase:
    """OTH's case in Task Force Two, shared with nobody."""
    actor = personas.user("other")
    case = CaseFactory(
        actor=actor,
        task_force=personas.other_task_force,
        title=OTH_TITLE,
        kind="sex_trafficking",
        summary="Recruiter moving between truck stops.",
    )
    case_services.note_add(actor=actor, case=case, body=OTH_NOTE, visibility=NoteVisibility.CASE)
    phone = services.identifier_add(actor=actor, case=case, kind="phone", value=PHONE_AS_OTH_TYPED)
    email = services.identifier_add(actor=actor, case=case, kind="email", value=OTH_EMAIL)
    return OtherCase(case, phone, email)


def secrets_of(other: OtherCase, *, knows_phone: bool = False) -> list[str]:
    """What of OTH's case nobody else may learn: its number, title, summary, note, e-mail,
    and the phone in any spelling (unless ``knows_phone``: an agency that put the same
    number on its own case reads it there)."""
    secrets = [other.case.number, OTH_TITLE, OTH_NOTE, OTH_EMAIL, "Recruiter moving"]
    return secrets if knows_phone else [*secrets, PHONE_E164, "555-0177", "5550177"]


def assert_blind(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret!r} leaked"

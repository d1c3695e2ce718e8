"""Recording what came of a case (victims, arrests, charges, ...) and correcting it.

Managing agencies record dated counts; a correction withdraws a record (kept, with the
reason) and records the right one. Each step is audited and announced to the case's
audience as a change of the case's outcomes.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity.clock import policy_today
from activity.kinds import EventKind
from activity.services import audit_record
from cases.models import (
    OUTCOME_MAX,
    AccessLevel,
    AgeGroup,
    Case,
    CaseOutcome,
    Citizenship,
    OutcomeKind,
    Statute,
    too_long,
)
from cases.models.outcomes import WITHDRAWAL_REASON_MAX_LENGTH
from cases.services.checks import publish_case, require_level

# Outcomes of a case happen while it exists; a date before this one is a typing slip.
EARLIEST_OUTCOME = dt.date(1990, 1, 1)


def _groups(kind: str, age_group: str, citizenship: str, statute: str) -> dict:
    """The group fields a record of ``kind`` carries, validated; the others stay blank."""
    errors = {}
    groups = {"age_group": "", "citizenship": "", "statute": ""}
    if kind == OutcomeKind.VICTIMS_IDENTIFIED:
        age_group = age_group or AgeGroup.UNKNOWN
        citizenship = citizenship or Citizenship.UNKNOWN
        if age_group not in AgeGroup.values:
            errors["age_group"] = f"Choose one of: {', '.join(AgeGroup.values)}."
        if citizenship not in Citizenship.values:
            errors["citizenship"] = f"Choose one of: {', '.join(Citizenship.values)}."
        groups.update(age_group=age_group, citizenship=citizenship)
    elif age_group or citizenship:
        errors["age_group"] = "Only victims identified are counted by age and citizenship."
    if kind == OutcomeKind.CHARGES_FILED:
        if statute not in Statute.values:
            errors["statute"] = f"Say under which statutes: {', '.join(Statute.values)}."
        groups["statute"] = statute
    elif statute:
        errors["statute"] = "Only charges filed are counted by statute."
    if errors:
        raise ValidationError(errors)
    return groups


@transaction.atomic
def case_outcome_record(
    *,
    actor,
    case: Case,
    kind: str,
    count: int,
    occurred_on: dt.date,
    age_group: str = "",
    citizenship: str = "",
    statute: str = "",
) -> CaseOutcome:
    """Record that ``count`` outcomes of ``kind`` happened on ``occurred_on`` (managing
    agencies). Victims identified carry their age group and citizenship (not known when not
    given), charges filed their statute."""
    require_level(actor, case, AccessLevel.MANAGE)
    if kind not in OutcomeKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(OutcomeKind.values)}."})
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= OUTCOME_MAX:
        raise ValidationError({"count": f"Give a whole number from 1 to {OUTCOME_MAX:,}."})
    if not isinstance(occurred_on, dt.date) or isinstance(occurred_on, dt.datetime):
        raise ValidationError({"occurred_on": "Give the day it happened (YYYY-MM-DD)."})
    if occurred_on > policy_today():
        raise ValidationError({"occurred_on": "An outcome is recorded once it has happened."})
    if occurred_on < EARLIEST_OUTCOME:
        raise ValidationError({"occurred_on": f"Give a day from {EARLIEST_OUTCOME} on."})
    groups = _groups(kind, age_group or "", citizenship or "", statute or "")
    outcome = CaseOutcome.objects.create(
        case=case,
        task_force_id=case.task_force_id,
        kind=kind,
        count=count,
        occurred_on=occurred_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
        **groups,
    )
    audit_record(
        actor=actor,
        action="case.outcome_recorded",
        target=case,
        changes={
            "outcome": outcome.pk,
            "kind": kind,
            "count": count,
            "occurred_on": occurred_on.isoformat(),
            **{k: v for k, v in groups.items() if v},
        },
    )
    _touch_and_publish(case, actor)
    return outcome


@transaction.atomic
def case_outcome_withdraw(*, actor, outcome: CaseOutcome, reason: str) -> CaseOutcome:
    """Withdraw a record that was wrong (managing agencies): it stops counting and stays in
    the case's history with who withdrew it, when and why."""
    case = outcome.case
    require_level(actor, case, AccessLevel.MANAGE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the record is withdrawn."})
    if len(reason) > WITHDRAWAL_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": too_long("Reasons", WITHDRAWAL_REASON_MAX_LENGTH, len(reason))}
        )
    outcome = CaseOutcome.objects.select_for_update().get(pk=outcome.pk)
    if outcome.is_withdrawn:
        raise ValidationError("This record was withdrawn already.")
    outcome.withdrawn_at = timezone.now()
    outcome.withdrawn_by = actor
    outcome.withdrawal_reason = reason
    outcome.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit_record(
        actor=actor,
        action="case.outcome_withdrawn",
        target=case,
        changes={"outcome": outcome.pk, "reason": reason},
    )
    _touch_and_publish(case, actor)
    return outcome


def _touch_and_publish(case: Case, actor) -> None:
    """The case changed: its lists move it up and its audience hears of it."""
    case = Case.objects.get(pk=case.pk)
    case.save(update_fields=["updated_at"])
    publish_case(EventKind.CASE_UPDATED, case, actor=actor, fields=["outcomes"], status=case.status)

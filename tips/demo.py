"""Demo tips and identifiers: the KCPD case of the I-70 motel corridor carries a phone
number, and a Hotline referral about the same corridor, recorded by the FBI task force's
coordinator, carries the same number, so both agencies see a deconfliction notice at once.
Made through the services (notices, events and audit as in use). Idempotent."""

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import TaskForce
from cases.models import Case
from tips import services
from tips.models import Identifier, Tip, TipSource

User = get_user_model()

# Numbers 555-0100 to 555-0199 are reserved for fiction.
CORRIDOR_PHONE = "(816) 555-0117"
REFERENCE = "NHTH-DEMO-0042"


@transaction.atomic
def seed() -> None:
    task_force = TaskForce.objects.get(slug="fbi-kc-cehttf")
    case = Case.objects.filter(
        task_force=task_force, title__startswith="I-70 motel corridor"
    ).first()
    if case is not None and not Identifier.objects.filter(case=case).exists():
        services.identifier_add(
            actor=User.objects.get(username="kcpd.liaison"),
            case=case,
            kind="phone",
            value=CORRIDOR_PHONE,
        )
    if Tip.objects.filter(reference=REFERENCE).exists():
        return
    services.tip_record(
        actor=User.objects.get(username="fbi.coordinator"),
        task_force=task_force,
        source=TipSource.HOTLINE,
        reference=REFERENCE,
        what=(
            "Hotline caller, a motel night clerk, saw two young women brought to rooms by an "
            "older man who paid cash and answered a phone for them. Invented for the demo."
        ),
        where="Motel off I-70 near the Kansas state line",
        when="Friday and Saturday nights after 10 pm",
        identifiers=[{"kind": "phone", "value": CORRIDOR_PHONE}],
    )

"""Shared steps of the public training tests: a training open to the public, what a person
types, and the links they receive by e-mail."""

import datetime as dt
import re

from django.core import mail

from agencies.models import Profession
from meetings import services
from tests.clock import soon
from tests.meetings.factories import TrainingFactory


def public_training(personas, slug="interdiction-course", **overrides):
    params = dict(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Interdiction course",
        starts_at=soon(30, 14),
        ends_at=soon(30, 14) + dt.timedelta(hours=8),
        capacity=2,
        eligible_professions=[Profession.LAW_ENFORCEMENT, Profession.ADVOCATE],
    )
    params.update(overrides)
    meeting = TrainingFactory(**params)
    return services.training_set_public(
        actor=personas.user("coordinator"),
        meeting=meeting,
        public_registration=True,
        slug=slug,
        organisers="Training Center (test)",
    )


def registrant(n: int = 0, **overrides) -> dict:
    data = {
        "name": f"Pat Example{n}",
        "email": f"pat{n}@example.org",
        "phone": "816-555-0100",
        "organisation": "County Sheriff (test)",
        "profession": Profession.LAW_ENFORCEMENT,
        "job_title": "Deputy",
    }
    data.update(overrides)
    return data


def link_in(message, kind: str) -> str:
    """The path of the ``confirm``, ``cancel`` or ``certificate`` link of a mail."""
    found = re.search(rf"https?://[^/\s]+(/trainings/{kind}/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


def last_mail():
    return mail.outbox[-1]

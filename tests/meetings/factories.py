"""Meetings, trainings, action items and registrations made through ``meetings.services``:
a meeting's invitations, audit record and event, an action item's assignee check and a
registration's place in line are the services' to make."""

import datetime as dt

import factory
from django.utils import timezone

from agencies.models import AgencyRole
from meetings import services
from meetings.models import ActionItem, Meeting, MeetingKind, Registration
from tests.agencies.factories import AgencyFactory, ServiceFactory, TaskForceFactory, person


def coordinator_of(task_force):
    """A coordinator of the task force: its first one, or a new person of its lead agency."""
    coordinator = task_force.coordinators.order_by("pk").first()
    if coordinator is None:
        coordinator = person(task_force.lead_agency, role=AgencyRole.MEMBER)
        task_force.coordinators.add(coordinator)
    return coordinator


def next_week() -> dt.datetime:
    """A whole hour a week from now: a meeting still to come."""
    return timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=7)


class MeetingFactory(ServiceFactory):
    """A meeting scheduled by ``actor`` (by default a coordinator of the task force). Other
    keywords of ``meeting_schedule`` (``recurrence_rule``, ``case``, ``confidential``, ...)
    pass through."""

    class Meta:
        model = Meeting

    task_force = factory.SubFactory(TaskForceFactory)
    actor = factory.LazyAttribute(lambda o: coordinator_of(o.task_force))
    title = factory.Sequence(lambda n: f"Test meeting {n}")
    kind = MeetingKind.TASK_FORCE_MEETING
    starts_at = factory.LazyFunction(next_week)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
    invited_agencies = ()

    @classmethod
    def _create(cls, model_class, *, actor, **kwargs):
        meeting, _ = services.meeting_schedule(actor=actor, **kwargs)
        return meeting


class TrainingFactory(MeetingFactory):
    title = factory.Sequence(lambda n: f"Test training {n}")
    kind = MeetingKind.TRAINING


class ActionItemFactory(ServiceFactory):
    """An action item recorded by ``actor`` (by default the meeting's organizer) for an
    invited agency (by default the first)."""

    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(
        MeetingFactory, invited_agencies=factory.LazyAttribute(lambda o: [o.task_force.lead_agency])
    )
    actor = factory.LazyAttribute(lambda o: o.meeting.organizer)
    assignee_agency = factory.LazyAttribute(
        lambda o: o.meeting.invitations.order_by("pk").first().agency
    )
    description = factory.Sequence(lambda n: f"Action item {n}")
    due_on = None

    @classmethod
    def _create(cls, model_class, *, actor, **kwargs):
        return services.action_item_add(actor=actor, **kwargs)


class RegistrationFactory(ServiceFactory):
    """A registration of ``user`` (by default a new person of a new agency, for a training
    open to all) for a training."""

    class Meta:
        model = Registration

    meeting = factory.SubFactory(TrainingFactory, open_to_all=True)
    user = factory.LazyFunction(lambda: person(AgencyFactory()))

    @classmethod
    def _create(cls, model_class, *, user, meeting):
        return services.registration_register(actor=user, meeting=meeting)

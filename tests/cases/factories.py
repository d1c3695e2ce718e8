"""Cases, shares and notes made through ``cases.services``: a case's number, its lead share
and the guardian grants, a share's grants and a note's revision, restriction and event are
the services' to make, so a factory-made object is one the portal could have made."""

import factory

from agencies.models import AgencyRole
from cases import services
from cases.models import AccessLevel, Case, CaseKind, CasePriority, CaseShare, Note, NoteVisibility
from tests.agencies.factories import (
    AgencyFactory,
    MembershipFactory,
    ServiceFactory,
    TaskForceFactory,
    person,
)


class CaseFactory(ServiceFactory):
    """A case opened by ``actor`` (by default a new liaison of the task force's lead agency)."""

    class Meta:
        model = Case

    task_force = factory.SubFactory(TaskForceFactory)
    actor = factory.LazyAttribute(
        lambda o: person(o.task_force.lead_agency, role=AgencyRole.LIAISON)
    )
    title = factory.Sequence(lambda n: f"Test case {n}")
    kind = CaseKind.OTHER
    summary = ""
    priority = CasePriority.NORMAL

    @classmethod
    def _create(cls, model_class, *, actor, **kwargs):
        return services.case_open(actor=actor, **kwargs)


def _new_member_agency(share):
    agency = AgencyFactory()
    MembershipFactory(task_force=share.case.task_force, agency=agency)
    return agency


class CaseShareFactory(ServiceFactory):
    """A share given by ``actor`` (by default the person who opened the case), to a new member
    agency of the case's task force unless ``agency`` is given."""

    class Meta:
        model = CaseShare

    case = factory.SubFactory(CaseFactory)
    actor = factory.LazyAttribute(lambda o: o.case.opened_by)
    agency = factory.LazyAttribute(_new_member_agency)
    level = AccessLevel.VIEW
    purpose = "Task force MOU"
    expires_on = None

    @classmethod
    def _create(cls, model_class, *, actor, **kwargs):
        return services.case_share(actor=actor, **kwargs)


class NoteFactory(ServiceFactory):
    """A note added by ``actor`` (by default the person who opened the case)."""

    class Meta:
        model = Note

    case = factory.SubFactory(CaseFactory)
    actor = factory.LazyAttribute(lambda o: o.case.opened_by)
    body = factory.Sequence(lambda n: f"Note {n}")
    visibility = NoteVisibility.CASE
    restricted_to = ()

    @classmethod
    def _create(cls, model_class, *, actor, **kwargs):
        return services.note_add(actor=actor, **kwargs)

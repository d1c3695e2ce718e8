import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from agencies.models import (
    Agency,
    AgencyKind,
    AgencyRole,
    MembershipRole,
    Profession,
    Profile,
    TaskForce,
    TaskForceMembership,
)

PASSWORD = "correct-horse-battery"


class ServiceFactory(factory.Factory):
    """A factory whose objects only ``create`` makes, through a service; ``build`` would make
    an object the services never would."""

    class Meta:
        abstract = True

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError(f"{cls.__name__} makes objects through a service only.")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Test Police Department {n}")
    short_name = factory.Sequence(lambda n: f"TPD{n}")
    kind = AgencyKind.MUNICIPAL
    jurisdiction = "MO"
    contact_email = factory.LazyAttribute(lambda a: f"desk@{a.short_name.lower()}.example.org")
    contact_phone = "(816) 555-0199"
    group = factory.LazyAttribute(lambda a: Group.objects.create(name=f"agency:{a.short_name}"))


class TaskForceFactory(factory.django.DjangoModelFactory):
    """A task force whose lead agency is a member with the lead role, as the service makes it."""

    class Meta:
        model = TaskForce
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test Task Force {n}")
    slug = factory.Sequence(lambda n: f"test-tf-{n}")
    case_prefix = factory.Sequence(lambda n: f"TF{n}")
    lead_agency = factory.SubFactory(AgencyFactory)

    @factory.post_generation
    def lead_membership(self, create, extracted, **kwargs):
        if create:
            TaskForceMembership.objects.create(
                task_force=self,
                agency=self.lead_agency,
                role=MembershipRole.LEAD,
                joined_on=dt.date(2020, 1, 1),
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskForceMembership

    task_force = factory.SubFactory(TaskForceFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = MembershipRole.MEMBER
    joined_on = dt.date(2021, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    title = "Detective"
    profession = Profession.LAW_ENFORCEMENT
    phone = "(816) 555-0142"
    role = AgencyRole.MEMBER


def person(agency, *, role=AgencyRole.MEMBER, **kwargs):
    """A user with a profile in ``agency``; user fields (username, ...) may be given too."""
    user_fields = {"username", "first_name", "last_name", "email", "is_active", "is_superuser"}
    for field in user_fields & set(kwargs):
        kwargs[f"user__{field}"] = kwargs.pop(field)
    return ProfileFactory(agency=agency, role=role, **kwargs).user

"""Every text an agency, a task force or a person's profile keeps has a length limit, in the
model (so every service's full_clean refuses it), the forms and the API; a value past it is
refused with a message and changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from agencies.models import Agency, Profile, TaskForce
from agencies.services import (
    agency_update,
    person_update,
    profile_set_time_zone,
    task_force_update,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "limit"), [("name", 200), ("contact_phone", 40), ("address", 500)]
)
def test_an_agency_text_past_its_limit_is_refused(personas, field, limit):
    agency = personas.agency("viewer")
    before = Agency.objects.values().get(pk=agency.pk)
    with pytest.raises(ValidationError) as refused:
        agency_update(actor=None, agency=agency, **{field: "x" * (limit + 1)})
    assert field in refused.value.message_dict
    assert f"at most {limit} characters" in " ".join(refused.value.message_dict[field])
    assert Agency.objects.values().get(pk=agency.pk) == before


def test_an_agency_text_at_its_limit_is_kept(personas):
    agency = personas.agency("viewer")
    agency_update(actor=None, agency=agency, address="x" * 500)
    assert len(Agency.objects.get(pk=agency.pk).address) == 500


@pytest.mark.parametrize(("field", "limit"), [("name", 200), ("description", 2000)])
def test_a_task_force_text_past_its_limit_is_refused(personas, field, limit):
    task_force = personas.task_force
    before = TaskForce.objects.values().get(pk=task_force.pk)
    with pytest.raises(ValidationError) as refused:
        task_force_update(actor=None, task_force=task_force, **{field: "x" * (limit + 1)})
    assert field in refused.value.message_dict
    assert TaskForce.objects.values().get(pk=task_force.pk) == before


def test_a_profile_title_past_its_limit_is_refused(personas):
    profile = Profile.objects.get(user=personas.user("viewer"))
    before = profile.title
    with pytest.raises(ValidationError):
        person_update(actor=None, profile=profile, title="x" * 121)
    assert Profile.objects.get(pk=profile.pk).title == before


def test_a_time_zone_that_is_not_one_is_refused(personas):
    profile = Profile.objects.get(user=personas.user("viewer"))
    for bad in ["x" * 65, "Mars/Olympus"]:
        with pytest.raises(ValidationError) as refused:
            profile_set_time_zone(actor=personas.user("viewer"), profile=profile, time_zone=bad)
        assert "time_zone" in refused.value.message_dict
    assert Profile.objects.get(pk=profile.pk).time_zone == ""


def test_the_agency_form_of_the_admin_carries_the_limits():
    from django.contrib import admin

    form = admin.site._registry[Agency].get_form(None)
    assert form.base_fields["address"].max_length == 500
    assert form.base_fields["address"].widget.attrs["maxlength"] == "500"

"""The benchmark's data set: generated as the portal's own services would have left it, so
that what the benchmark measures is what a statewide deployment would see. The policy,
the independent oracle and the naive way must agree on it."""

import json
import os

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone
from guardian.models import GroupObjectPermission

from activity import live
from activity.models import Event
from agencies.models import Agency, AgencyRole
from bench import inprocess
from bench.dataset import SIZES
from bench.oracle import Oracle
from cases import access, selectors
from cases.models import Case, CaseAccess, CaseAgencyPermission, CaseShare, Note

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="generate_load writes with PostgreSQL's COPY",
    ),
    pytest.mark.django_db,
]


@pytest.fixture
def tiny(tmp_path):
    call_command("generate_load", size="tiny", seed=11, results=tmp_path)
    return json.loads((tmp_path / "dataset-tiny.json").read_text())


def liaison(agency: Agency) -> User:
    return User.objects.filter(profile__agency=agency, profile__role=AgencyRole.LIAISON).first()


def test_it_builds_the_sizes_it_announces(tiny):
    size = SIZES["tiny"]
    assert tiny["counts"]["agencies"] == Agency.objects.count() == size.agencies
    assert tiny["counts"]["cases"] == Case.objects.count() == size.cases
    assert tiny["counts"]["notes"] == Note.objects.count() == size.notes
    assert User.objects.count() == size.people
    # Every case has its lead agency's share, and some are shared with partners.
    assert CaseShare.objects.filter(purpose="lead agency").count() == size.cases
    assert CaseShare.objects.exclude(purpose="lead agency").exists()
    assert Note.objects.filter(visibility="restricted").exists()
    assert tiny["counts"]["events"] == Event.objects.count() > 0


# --replace empties the tables in its own transaction, as it runs from the command line.
@pytest.mark.django_db(transaction=True)
def test_a_second_run_refuses_to_mix_with_existing_data(tiny, tmp_path):
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_load", size="tiny", results=tmp_path)
    call_command("generate_load", size="tiny", seed=12, replace=True, results=tmp_path)
    assert Case.objects.count() == SIZES["tiny"].cases


def test_the_policy_and_the_oracle_see_the_same_cases_for_every_agency(tiny):
    oracle = Oracle(timezone.localdate())
    for agency in Agency.objects.all():
        visible = set(access.visible_cases(liaison(agency)).values_list("pk", flat=True))
        assert visible == oracle.visible_cases(agency.pk)
    # The data holds what makes the policy work: expired and ended shares.
    assert CaseShare.objects.expired().exists()
    assert CaseShare.objects.filter(ended_at__isnull=False).exists()


def test_the_generic_guardian_table_mirrors_the_portal_grants(tiny):
    direct = set(
        CaseAgencyPermission.objects.values_list("group_id", "permission_id", "content_object_id")
    )
    generic = {
        (g, p, int(pk))
        for g, p, pk in GroupObjectPermission.objects.values_list(
            "group_id", "permission_id", "object_pk"
        )
    }
    assert direct == generic


def test_the_access_rows_mirror_the_view_grants(tiny):
    agency_of_group = dict(Agency.objects.values_list("group_id", "pk"))
    granted = {
        (agency_of_group[group_id], case_id)
        for group_id, case_id in CaseAgencyPermission.objects.filter(
            permission__codename="view_case"
        ).values_list("group_id", "content_object_id")
    }
    assert set(CaseAccess.objects.values_list("agency_id", "case_id")) == granted


def test_the_naive_way_gives_the_portal_page(tiny):
    for agency in Agency.objects.order_by("pk"):
        user = liaison(agency)
        portal = inprocess.portal_page(user)
        assert portal == inprocess.naive_page(user)
        assert [row[0] for row in portal] == Oracle(timezone.localdate()).first_page(
            agency.pk, len(portal)
        )


def test_events_reach_only_agencies_that_may_read_their_note(tiny):
    oracle = Oracle(timezone.localdate())
    for agency in Agency.objects.all():
        frames = [live.frame(e) for e in live.events_for(user=liaison(agency), agency_id=agency.pk)]
        for frame in frames:
            oracle.check_frame("events", agency.pk, frame)
    assert oracle.checked > 0
    assert oracle.leaks == []


def test_the_latest_note_date_counts_only_the_notes_the_agency_may_read(tiny):
    """The list's ``last_note_at`` against the oracle's readable notes, for every agency:
    a restricted note of another agency must not show even as a date."""
    oracle = Oracle(timezone.localdate())
    for agency in Agency.objects.all():
        cases = sorted(oracle.visible_cases(agency.pk))
        readable = Note.objects.filter(pk__in=oracle.readable_notes(agency.pk, cases))
        expected: dict = {}
        for case_id, created in readable.values_list("case_id", "created_at"):
            expected[case_id] = max(created, expected.get(case_id, created))
        user = liaison(agency)
        rows = selectors.case_list(user)
        assert {case.pk: case.last_note_at for case in rows if case.last_note_at} == expected
        ordered = selectors.by_latest_activity(user).values_list("pk", "last_note_at")
        assert {pk: at for pk, at in ordered if at is not None} == expected

"""The case list's shape at scale. Lists read the agencies' access rows (``CaseAccess``):
the count and the page never read notes, each row carries the caller's level and the time
of the newest note the caller may read, and the rows follow the grants, the shares' dates,
the notes' visibility and the cases' changes through every service that moves them."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.clock import policy_today
from agencies import services as agency_services
from agencies.models import TaskForceMembership
from cases import access, selectors, services
from cases.filters import for_paging
from cases.models import AccessLevel, CaseAccess, Note, NoteVisibility
from tests.cases.factories import CaseFactory, CaseShareFactory, NoteFactory
from tests.clock import local_noon
from tests.personas import api_client, page_client


def _row(user, case):
    return selectors.case_list(user).get(pk=case.pk)


def test_counting_and_listing_do_not_read_notes(personas, shared_case, case_notes):
    manager = personas.user("manager")
    with CaptureQueriesContext(connection) as queries:
        assert selectors.case_list(manager).count() == 1
        assert access.visible_access_rows(manager).count() == 1
        assert list(selectors.case_list(manager)[1:2]) == []
        list(selectors.by_latest_activity(manager))
    assert [q["sql"] for q in queries if Note._meta.db_table in q["sql"]] == []


def test_each_row_carries_the_callers_level(personas, shared_case):
    levels = {
        persona: _row(personas.user(persona), shared_case).access_level
        for persona in ("manager", "contributor", "viewer")
    }
    assert levels == {"manager": "manage", "contributor": "contribute", "viewer": "view"}


def test_a_row_carries_the_latest_note_the_caller_may_read(personas, shared_case, case_notes):
    latest = max(case_notes.open.created_at, case_notes.restricted.created_at)
    assert _row(personas.user("manager"), shared_case).last_note_at == latest


def test_the_latest_note_time_skips_notes_restricted_away_from_the_reader(
    personas, shared_case, case_notes
):
    row = _row(personas.user("viewer"), shared_case)
    assert row.last_note_at == case_notes.open.created_at
    ordered = selectors.by_latest_activity(personas.user("viewer"))
    assert ordered.get(pk=shared_case.pk).last_note_at == case_notes.open.created_at


def test_widening_and_narrowing_a_note_moves_the_latest_note_time(personas, shared_case):
    contributor, viewer = personas.user("contributor"), personas.user("viewer")
    opened = shared_case.created_at
    with time_machine.travel(opened + dt.timedelta(hours=1)):
        note = NoteFactory(
            actor=contributor,
            case=shared_case,
            visibility=NoteVisibility.RESTRICTED,
            restricted_to=[personas.agency("manager")],
        )
    assert _row(viewer, shared_case).last_note_at is None
    note = services.note_edit(
        actor=contributor, note=note, expected_version=note.version, visibility="case"
    )
    assert _row(viewer, shared_case).last_note_at == note.created_at
    services.note_edit(
        actor=contributor,
        note=note,
        expected_version=note.version,
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[personas.agency("manager")],
    )
    assert _row(viewer, shared_case).last_note_at is None
    assert _row(personas.user("manager"), shared_case).last_note_at == note.created_at


def test_an_agency_given_the_case_later_sees_the_time_of_its_existing_notes(
    personas, shared_case, case_notes
):
    member = personas.agency("member")
    CaseShareFactory(case=shared_case, agency=member, level=AccessLevel.VIEW)
    row = _row(personas.user("member"), shared_case)
    assert (row.access_level, row.last_note_at) == ("view", case_notes.open.created_at)


def test_a_case_change_moves_the_case_up_every_agencys_list(personas, shared_case):
    manager, viewer = personas.user("manager"), personas.user("viewer")
    minutes = [shared_case.updated_at + dt.timedelta(minutes=n) for n in (1, 2, 3)]
    with time_machine.travel(minutes[0]):
        newer = CaseFactory(actor=manager, task_force=shared_case.task_force)
        CaseShareFactory(case=newer, agency=personas.agency("viewer"), level=AccessLevel.VIEW)
    listed = selectors.case_list(viewer).order_by(*selectors.CASE_ORDERINGS["updated"])
    assert [case.pk for case in listed] == [newer.pk, shared_case.pk]
    with time_machine.travel(minutes[1]):
        services.case_update(actor=manager, case=shared_case, summary="New lead on I-70.")
    assert [case.pk for case in listed.all()] == [shared_case.pk, newer.pk]
    with time_machine.travel(minutes[2]):
        services.case_change_status(actor=manager, case=newer, status="active")
    assert [case.pk for case in listed.all()] == [newer.pk, shared_case.pk]


def test_cases_without_notes_come_after_cases_with_activity(personas, shared_case, case_notes):
    manager = personas.user("manager")
    # Opened and changed after every note: ordered by last change alone it would come first.
    later = case_notes.restricted.created_at + dt.timedelta(days=30)
    with time_machine.travel(later):
        quiet = CaseFactory(actor=manager, task_force=shared_case.task_force)
        services.case_update(actor=manager, case=quiet, summary="Touched after every note.")
    ordered = list(selectors.by_latest_activity(manager))
    assert [case.pk for case in ordered] == [shared_case.pk, quiet.pk]


def _rows_from_grants(case) -> dict:
    """What the access rows must say, worked out from the grants and the shares alone."""
    expected = {}
    for share in case.shares.active():
        level = access.agency_level(case, share.agency)
        if level is not None:
            expected[share.agency_id] = (level, share.expires_on)
    return expected


def _rows(case) -> dict:
    return {
        row.agency_id: (row.level, row.expires_on) for row in CaseAccess.objects.filter(case=case)
    }


def test_the_access_rows_follow_the_grants_through_a_cases_life(personas, shared_case):
    manager = personas.user("manager")
    viewer, member = personas.agency("viewer"), personas.agency("member")
    steps = [
        lambda: services.case_share(
            actor=manager,
            case=shared_case,
            agency=member,
            level="view",
            purpose="MOU",
            expires_on=policy_today() + dt.timedelta(days=3),
        ),
        lambda: services.case_share(
            actor=manager, case=shared_case, agency=viewer, level="manage", purpose="Lead role"
        ),
        lambda: services.case_share(
            actor=manager,
            case=shared_case,
            agency=member,
            level="contribute",
            purpose="More",
            expires_on=policy_today() + dt.timedelta(days=30),
        ),
        lambda: services.case_unshare(actor=manager, case=shared_case, agency=viewer),
        lambda: agency_services.membership_end(
            actor=personas.user("coordinator"),
            membership=TaskForceMembership.objects.current().get(
                agency=member, task_force=shared_case.task_force
            ),
        ),
    ]
    assert _rows(shared_case) == _rows_from_grants(shared_case)
    for step in steps:
        step()
        assert _rows(shared_case) == _rows_from_grants(shared_case)
    assert set(_rows(shared_case)) == {
        personas.agency(p).pk for p in ("manager", "contributor", "excluded")
    }


def test_a_dated_share_closes_the_case_after_its_last_day(personas, shared_case):
    member = personas.user("member")
    last_day = policy_today() + dt.timedelta(days=3)
    CaseShareFactory(
        case=shared_case, agency=personas.agency("member"), level="view", expires_on=last_day
    )
    assert access.visible_access_rows(member).count() == selectors.case_list(member).count() == 1
    with time_machine.travel(local_noon(4)):
        assert (
            access.visible_access_rows(member).count() == selectors.case_list(member).count() == 0
        )
        assert access.visible_access_rows(personas.user("viewer")).count() == 1


def test_the_api_and_the_page_count_the_same_cases_filtered_or_not(personas, shared_case):
    member = personas.user("member")
    CaseShareFactory(
        case=shared_case,
        agency=personas.agency("member"),
        level="view",
        expires_on=policy_today() + dt.timedelta(days=3),
    )
    CaseFactory(actor=personas.user("manager"), task_force=shared_case.task_force)

    def counts():
        # Signed in afresh each time: moving the clock days on ends an idle session.
        client, pages = api_client(personas, "member"), page_client(personas, "member")
        return [
            client.get("/api/v1/cases/").json()["count"],
            client.get("/api/v1/cases/", {"status": "open"}).json()["count"],
            pages.get("/cases/").context["page"].paginator.count,
            pages.get("/cases/", {"status": "open"}).context["page"].paginator.count,
        ]

    assert counts() == [1, 1, 1, 1]
    with time_machine.travel(local_noon(4)):
        assert counts() == [0, 0, 0, 0]
        assert access.visible_access_rows(member).count() == 0


def test_the_whole_list_read_on_access_rows_is_the_list_of_the_join(personas, shared_case):
    """Both orders, every page, across a page boundary, with a case whose share ended."""
    manager = personas.user("manager")
    start = shared_case.updated_at
    for minute in range(1, 6):
        with time_machine.travel(start + dt.timedelta(minutes=minute)):
            CaseFactory(actor=manager, task_force=shared_case.task_force)
    viewer_share = CaseShareFactory(
        case=CaseFactory(actor=manager, task_force=shared_case.task_force),
        agency=personas.agency("viewer"),
        level="view",
    )
    services.case_unshare(actor=manager, case=viewer_share.case, agency=personas.agency("viewer"))
    for persona in ("manager", "viewer", "member"):
        user = personas.user(persona)
        for ordering, oldest_first in (("updated", False), ("-updated", True)):
            joined = list(selectors.case_list(user).order_by(*selectors.CASE_ORDERINGS[ordering]))
            whole = selectors.WholeCaseList(user, oldest_first=oldest_first)
            assert whole.count() == len(joined)
            pages = [whole[start : start + 2] for start in range(0, len(joined) + 2, 2)]
            assert [case for page in pages for case in page] == joined
            assert [case.access_level for case in whole[0:3]] == [
                case.access_level for case in joined[0:3]
            ]


def test_filters_and_other_orders_page_the_filtered_queryset(personas, shared_case):
    user = personas.user("viewer")
    filtered = selectors.case_list(user)
    for params in ({"status": "open"}, {"q": "Motel"}, {"ordering": "number"}):
        assert for_paging(user, filtered, params) is filtered
    for params in ({}, {"ordering": "updated"}, {"ordering": "-updated"}, {"page": "2"}):
        assert isinstance(for_paging(user, filtered, params), selectors.WholeCaseList)

"""Workloads measured inside the benchmark's own process, on the same database as the
servers: the portal's list against the naive way and the raw-SQL floor, and queries per
request through Django's test client."""

from contextlib import contextmanager

import psycopg
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Max, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_group

from agencies.access import acting_agency
from cases import selectors
from cases.models import Case, CaseAgencyPermission, CaseShare, CaseUserPermission, Note

PAGE_SIZE = 50


def portal_page(user, number: int = 1) -> list[tuple]:
    """The API's case list as the view builds it: the page with its count, each row with the
    caller's level and the latest note they may read."""
    page = Paginator(selectors.WholeCaseList(user), PAGE_SIZE).page(number)
    return [(case.pk, case.access_level, case.last_note_at) for case in page.object_list]


@contextmanager
def generic_tables():
    """Guardian as it comes: its generic object permission tables (object ids kept as text
    beside a content type) instead of the portal's direct foreign keys. Guardian skips a
    direct model whose ``enabled`` is false."""
    CaseAgencyPermission.enabled = CaseUserPermission.enabled = False
    try:
        yield
    finally:
        del CaseAgencyPermission.enabled, CaseUserPermission.enabled


def naive_page(user, number: int = 1) -> list[tuple]:
    """The same page built the way guardian's documentation shows: its object list shortcut
    on the generic tables (grants are held by the agency's group), a counted page, then
    ``has_perm`` and the latest readable note for each row."""
    agency = acting_agency(user)
    expired = CaseShare.objects.expired().filter(agency=agency).values("case_id")
    with generic_tables():
        visible = get_objects_for_group(
            agency.group, "cases.view_case", klass=Case, accept_global_perms=False
        ).exclude(pk__in=expired)
        ordered = visible.select_related("task_force", "lead_agency").order_by("-updated_at", "-id")
        page = Paginator(ordered, PAGE_SIZE).page(number)
        checker = ObjectPermissionChecker(agency.group)
        rows = []
        for case in page.object_list:
            level = next(
                (
                    name
                    for name in ("manage", "contribute", "view")
                    if checker.has_perm(f"cases.{name}_case", case)
                ),
                None,
            )
            readable = Q(visibility="case") | Q(restricted_to=agency)
            latest = Note.objects.filter(case=case).filter(readable).aggregate(Max("created_at"))
            rows.append((case.pk, level, latest["created_at__max"]))
    return rows


RAW_PAGE_SQL = """
    SELECT c.id, c.number, c.title, c.status, c.priority, c.updated_at, tf.name, lead.name,
        (SELECT n.created_at FROM cases_note n
         WHERE n.case_id = c.id AND (n.visibility = 'case' OR EXISTS (
             SELECT 1 FROM cases_note_restricted_to r
             WHERE r.note_id = n.id AND r.agency_id = %(agency)s))
         ORDER BY n.created_at DESC LIMIT 1) AS last_note_at
    FROM cases_case c
    JOIN agencies_taskforce tf ON tf.id = c.task_force_id
    JOIN agencies_agency lead ON lead.id = c.lead_agency_id
    WHERE c.id IN (
        SELECT g.content_object_id FROM cases_caseagencypermission g
        WHERE g.group_id = %(group)s AND g.permission_id = %(view)s)
      AND c.id NOT IN (
        SELECT s.case_id FROM cases_caseshare s JOIN cases_case sc ON sc.id = s.case_id
        WHERE s.agency_id = %(agency)s AND s.ended_at IS NULL AND s.expires_on < %(today)s
          AND sc.lead_agency_id <> s.agency_id)
    ORDER BY c.updated_at DESC, c.id DESC
    LIMIT %(limit)s
"""


class RawFloor:
    """The first page as one hand-written SQL query over a plain psycopg connection: the
    least any implementation has to pay for the same rows."""

    def __init__(self, database_url: str, view_permission_id: int, today):
        self.connection = psycopg.connect(database_url, autocommit=True, prepare_threshold=None)
        self.view_permission_id = view_permission_id
        self.today = today

    def page(self, agency) -> list[tuple]:
        return self.connection.execute(
            RAW_PAGE_SQL,
            {
                "agency": agency.pk,
                "group": agency.group_id,
                "view": self.view_permission_id,
                "today": self.today,
                "limit": PAGE_SIZE,
            },
        ).fetchall()

    def close(self) -> None:
        self.connection.close()


def queries_per_request(user, path: str, *, token: str | None = None) -> int:
    """How many SQL queries one request runs, through the whole middleware stack, once the
    process is warm (a first request fills per-process caches such as content types)."""
    client = Client()
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    else:
        client.force_login(user)
    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in process")
    return len(captured.captured_queries)

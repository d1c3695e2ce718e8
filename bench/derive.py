"""What the portal's services derive from shares and notes, derived here in SQL after the
rows are loaded: the guardian grants, the access rows the lists read and the live events
with their audiences."""

from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from activity.models import Event
from agencies.models import Agency
from cases.models import Case

# Grants as cases.access.grant writes them (each level holds the permissions below it),
# once in the portal's direct table and once in guardian's generic one for the naive way.
GRANTS_SQL = """
    WITH levels(level, codename) AS (VALUES
        ('view', 'view_case'), ('contribute', 'view_case'), ('contribute', 'contribute_case'),
        ('manage', 'view_case'), ('manage', 'contribute_case'), ('manage', 'manage_case'))
    SELECT a.group_id, p.id, s.case_id
    FROM cases_caseshare s
    JOIN agencies_agency a ON a.id = s.agency_id
    JOIN levels l ON l.level = s.level
    JOIN auth_permission p ON p.codename = l.codename AND p.content_type_id = %(case_type)s
    WHERE s.ended_at IS NULL
"""


def grants() -> None:
    case_type = ContentType.objects.get_for_model(Case).pk
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_caseagencypermission (group_id, permission_id, content_object_id) "
            + GRANTS_SQL,
            {"case_type": case_type},
        )
        cursor.execute(
            "INSERT INTO guardian_groupobjectpermission "
            "(group_id, permission_id, object_pk, content_type_id) "
            f"SELECT g.group_id, g.permission_id, g.case_id::text, %(case_type)s "
            f"FROM ({GRANTS_SQL}) AS g(group_id, permission_id, case_id)",
            {"case_type": case_type},
        )


# Access rows as cases.access.grant and note_added write them: one per active share, the
# lead's never dated, with the newest note the agency may read.
ACCESS_SQL = """
    INSERT INTO cases_caseaccess
        (case_id, agency_id, level, expires_on, case_updated_at, last_note_at)
    SELECT s.case_id, s.agency_id, s.level,
        CASE WHEN s.agency_id = c.lead_agency_id THEN NULL ELSE s.expires_on END,
        c.updated_at,
        (SELECT max(n.created_at) FROM cases_note n
         WHERE n.case_id = s.case_id AND (n.visibility = 'case' OR EXISTS (
             SELECT 1 FROM cases_note_restricted_to r
             WHERE r.note_id = n.id AND r.agency_id = s.agency_id)))
    FROM cases_caseshare s
    JOIN cases_case c ON c.id = s.case_id
    WHERE s.ended_at IS NULL
"""


def access_rows() -> None:
    with connection.cursor() as cursor:
        cursor.execute(ACCESS_SQL)


# The note-added events of the newest notes, ids in the order they happened, for the
# agencies that may read each note (its case's active shares; for a restricted note, the
# named ones among them), each bounded by its share's expiry as live.publish bounds it.
EVENTS_SQL = [
    """
    CREATE TEMPORARY TABLE bench_event_note AS
    SELECT row_number() OVER (ORDER BY n.created_at, n.id) AS event_id, n.id AS note_id
    FROM (SELECT id, created_at FROM cases_note ORDER BY created_at DESC, id DESC
          LIMIT %(limit)s) n""",
    """
    INSERT INTO activity_event (id, created_at, kind, actor_id, subject_key, detail_key, payload)
    SELECT e.event_id, n.created_at, 'case.note_added', n.author_id,
        'cases.case:' || c.id, 'cases.note:' || n.id,
        jsonb_build_object(
            'case', jsonb_build_object('id', c.id, 'number', c.number, 'title', c.title),
            'note', jsonb_build_object('id', n.id, 'body', n.body, 'visibility', n.visibility,
                'version', n.version, 'author', u.first_name || ' ' || u.last_name,
                'author_agency', jsonb_build_object(
                    'id', a.id, 'short_name', a.short_name, 'name', a.name)))
    FROM bench_event_note e
    JOIN cases_note n ON n.id = e.note_id
    JOIN cases_case c ON c.id = n.case_id
    JOIN auth_user u ON u.id = n.author_id
    JOIN agencies_agency a ON a.id = n.author_agency_id""",
    """
    INSERT INTO activity_eventaudience (event_id, agency_id, until)
    SELECT e.event_id, s.agency_id,
        CASE WHEN s.agency_id = c.lead_agency_id THEN NULL ELSE s.expires_on END
    FROM bench_event_note e
    JOIN cases_note n ON n.id = e.note_id
    JOIN cases_case c ON c.id = n.case_id
    JOIN cases_caseshare s ON s.case_id = n.case_id AND s.ended_at IS NULL
    WHERE n.visibility = 'case' OR EXISTS (
        SELECT 1 FROM cases_note_restricted_to r
        WHERE r.note_id = n.id AND r.agency_id = s.agency_id)""",
    "DROP TABLE bench_event_note",
]


def events(limit: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(EVENTS_SQL[0], {"limit": limit})
        for statement in EVENTS_SQL[1:]:
            cursor.execute(statement)
    return Event.objects.count()


def truncate() -> None:
    """Empty every portal table (``--replace``): the people cascade to all they wrote."""
    tables = ", ".join(
        connection.ops.quote_name(m._meta.db_table) for m in (User, Group, Event, Agency)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")

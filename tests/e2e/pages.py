"""Every page of the portal a person can reach, per persona, found in the demo data.

Object ids are never written here: ``demo_objects`` asks the server's own database (through
``manage.py shell`` and each app's access module) for the objects each persona sees, the
way the person would find them by clicking, so the list holds whatever the demo loads.
"""

import json
from dataclasses import dataclass, replace

# Demo logins of the README, one per kind of person.
PERSONAS = {
    # The lead agency's liaison of the I-70 case: manages a case, writes notes, is invited.
    "liaison": "kcpd.liaison",
    # Coordinates the FBI task force: schedules, edits and cancels meetings, keeps minutes.
    "coordinator": "fbi.coordinator",
    # Manages KCPD's people and reads its audit trail.
    "agency-admin": "kcpd.admin",
}

# What FIND_OBJECTS finds for each persona.
OBJECT_KEYS = (
    "agency",
    "task_force",
    "case",
    "note",
    "editable_note",
    "redactable_note",
    "revocable_agency",
    "meeting",
    "changeable_meeting",
    "training",
    "colleague",
    "token",
    "webhook",
    "coordinated_training",
    "tip",
    "report_task_force",
    "outcome",
    "task",
    "redactable_file",
)

# Run inside the server's environment; prints one JSON object: per username, the ids of the
# objects its pages need (None where the demo gives that person none).
FIND_OBJECTS = """
import json
from django.contrib.auth import get_user_model
from agencies.access import acting_agency
from agencies.access import manageable_tokens, visible_webhooks
from agencies.models import TaskForceMembership
from cases import access as cases
from cases import work_access
from cases.models import AccessLevel
from tips import access as tips
from meetings import access as meetings
from meetings.models import MeetingKind
from reports import access as reports

def first(items):
    return next(iter(items), None)

found = {}
for username in USERNAMES:
    user = get_user_model().objects.get(username=username)
    agency = acting_agency(user)
    membership = first(
        TaskForceMembership.objects.current().filter(agency=agency).order_by("pk")
    )
    visible = list(cases.visible_cases(user).order_by("pk"))
    levels = {case.pk: cases.agency_level(case, agency) for case in visible}
    case = first(c for c in visible if levels.get(c.pk) == AccessLevel.MANAGE) or first(visible)
    level = levels.get(case.pk) if case else None
    notes = list(cases.visible_notes(user, case).order_by("pk")) if case else []
    note = first(n for n in notes if cases.can_edit_note(user, n, level))
    redactable = first(n for n in notes if cases.can_redact_note(user, n, level))
    revocable = first(
        agency_id
        for agency_id in case.shares.active().order_by("pk").values_list("agency_id", flat=True)
        if cases.can_revoke(level, case, agency_id)
    ) if case else None
    shown = [m for m in meetings.visible_meetings(user).order_by("pk") if not m.is_cancelled]
    meeting = first(
        m for m in shown if m.kind != MeetingKind.TRAINING and meetings.can_change(user, m)
    ) or first(m for m in shown if m.kind != MeetingKind.TRAINING)
    training = first(m for m in shown if m.kind == MeetingKind.TRAINING)
    changeable = meeting if meeting and meetings.can_change(user, meeting) else None
    coordinated = first(
        m for m in shown if m.kind == MeetingKind.TRAINING and meetings.can_change(user, m)
    )
    colleague = first(
        agency.people.exclude(user=user).order_by("pk").values_list("user_id", flat=True)
    ) if agency else None
    task = first(work_access.visible_tasks(user).order_by("pk"))
    level_of = lambda f: cases.agency_level(f.case, agency)
    redactable_file = first(
        f for f in work_access.visible_files(user).order_by("pk")
        if work_access.can_redact_file(user, f, level_of(f))
    )
    found[username] = {
        "agency": agency.pk if agency else None,
        "task_force": membership.task_force.slug if membership else None,
        "case": case.pk if case else None,
        "note": (note or first(notes)).pk if notes else None,
        "editable_note": note.pk if note else None,
        "redactable_note": redactable.pk if redactable else None,
        "revocable_agency": revocable,
        "meeting": meeting.pk if meeting else None,
        "changeable_meeting": changeable.pk if changeable else None,
        "training": training.pk if training else None,
        "colleague": colleague,
        "tip": first(tips.visible_tips(user).order_by("pk").values_list("pk", flat=True)),
        "coordinated_training": coordinated.pk if coordinated else None,
        "token": first(manageable_tokens(user).order_by("pk").values_list("pk", flat=True)),
        "webhook": first(visible_webhooks(user).order_by("pk").values_list("pk", flat=True)),
        "report_task_force": first(t.pk for t in reports.report_task_forces(user)),
        "outcome": first(
            case.outcomes.filter(withdrawn_at__isnull=True).order_by("pk").values_list(
                "pk", flat=True
            )
        ) if case and level == AccessLevel.MANAGE else None,
        "task": task.pk if task else None,
        "redactable_file": redactable_file.pk if redactable_file else None,
    }
print(json.dumps(found))
"""


def demo_objects(server) -> dict[str, dict]:
    usernames = list(PERSONAS.values())
    output = server.manage("shell", "-c", f"USERNAMES = {usernames!r}\n{FIND_OBJECTS}")
    found = json.loads(output.strip().splitlines()[-1])
    return {persona: found[username] for persona, username in PERSONAS.items()}


# The API docs' section of the case list (tag "cases", operation id v1_cases_list).
CASES_LIST = "#operations-cases-v1_cases_list"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    # What the page shows once its scripts have run; checks wait for it.
    ready: str | None = None
    status: int = 200
    # Clicked in turn once the page is ready, so what they open is measured too.
    clicks: tuple[str, ...] = ()


def _needs(objects: dict, *keys: str) -> bool:
    return all(objects.get(key) is not None for key in keys)


def pages_of(persona: str, o: dict) -> tuple[list[Page], list[str]]:
    """The pages ``persona`` reaches, and the pages it should reach but the demo gives no
    object for (each a failure: the list would silently shrink otherwise)."""
    wanted: list[tuple[tuple[str, ...], Page]] = []

    def page(name, path, *keys, **options):
        wanted.append((keys, Page(name, path, **options)))

    if persona == "anonymous":
        page("login", "/login/")
        page("password-reset", "/password/reset/")
        page("password-reset-sent", "/password/reset/sent/")
        page("password-reset-complete", "/password/reset/complete/")
        # The demo's upcoming training open to public registration (agencies/demo.py).
        page("public-trainings", "/trainings/")
        page("public-training", "/trainings/victim-centered-interviewing/")
        page("public-tip", "/tips/new/")
        # A missing page is the portal's own (a way home), never Django's debug page.
        page("not-found", "/no-such-page/", ready="a[href='/']", status=404)
        return _resolved(o, wanted)

    page("dashboard", "/", ready="#live-status[data-state=live]")
    page("directory", "/directory/")
    page("agency", "/directory/agencies/{agency}/", "agency")
    page("task-force", "/directory/task-forces/{task_force}/", "task_force")
    page("cases", "/cases/")
    page("account", "/account/")
    page("profile", "/profile/")
    page("mfa-enrol", "/account/mfa/enrol/")
    page("password-change", "/account/password/")
    page("calendar-subscription", "/calendar/")
    page("meetings-month", "/meetings/")
    page("meetings-week", "/meetings/?view=week")
    # One operation opened and tried out: its parameter and response tables are the widest.
    page(
        "api-docs",
        "/api/docs/",
        ready=".swagger-ui .opblock",
        clicks=(f"{CASES_LIST} .opblock-summary", f"{CASES_LIST} .try-out__btn"),
    )
    page("not-found", "/cases/no-such-case/", ready="a[href='/']", status=404)
    page("reports", "/reports/")
    page("agency-report", "/agencies/{agency}/report/", "agency")
    if persona in ("coordinator", "agency-admin"):
        page("task-force-report", "/task-forces/{report_task_force}/report/", "report_task_force")
    if persona == "agency-admin":
        page("people", "/agency/people/")
        page("person-invite", "/agency/people/invite/")
        page("person", "/agency/people/{colleague}/", "colleague")
        page("person-deactivate", "/agency/people/{colleague}/deactivate/", "colleague")
        page("audit", "/audit/")
        page("tokens", "/agency/tokens/")
        page("token-issue", "/agency/tokens/new/")
        page("token-revoke", "/agency/tokens/{token}/revoke/", "token")
        page("webhooks", "/agency/webhooks/")
        page("webhook-create", "/agency/webhooks/new/")
        page("webhook", "/agency/webhooks/{webhook}/", "webhook")
        return _resolved(o, wanted)

    page("case-open", "/cases/new/")
    page("tips", "/tips/")
    page("tip-record", "/tips/record/")
    page("case", "/cases/{case}/", "case")
    page("case-edit", "/cases/{case}/edit/", "case")
    page("access-report", "/cases/{case}/access-report/", "case")
    page("case-close", "/cases/{case}/status/?status=closed", "case")
    page("case-share", "/cases/{case}/share/", "case")
    page("case-revoke", "/cases/{case}/access/{revocable_agency}/revoke/", "revocable_agency")
    page("note-revisions", "/notes/{note}/revisions/", "note")
    page("meeting", "/meetings/{meeting}/", "meeting")
    page("training", "/meetings/{training}/", "training")
    page("tasks", "/tasks/")
    page("tags", "/tags/")
    page("search", "/search/?q=motel")
    page("task", "/tasks/{task}/", "task")
    if persona == "liaison":
        page("case-outcome-withdraw", "/cases/{case}/outcomes/{outcome}/withdraw/", "outcome")
        page("note-edit", "/notes/{editable_note}/edit/", "editable_note")
        page("note-redact", "/notes/{redactable_note}/redact/", "redactable_note")
        page("task-create", "/cases/{case}/tasks/new/", "case")
        page("task-edit", "/tasks/{task}/edit/", "task")
        page("file-upload", "/cases/{case}/files/new/", "case")
        page("file-redact", "/files/{redactable_file}/redact/", "redactable_file")
    if persona == "coordinator":
        page("meeting-schedule", "/meetings/new/")
        # The meeting page of a coordinator holds the minutes and action items forms.
        page("meeting-edit", "/meetings/{changeable_meeting}/edit/", "changeable_meeting")
        page("meeting-cancel", "/meetings/{changeable_meeting}/cancel/", "changeable_meeting")
        # A training's door roster and its public registration settings.
        page("training-roster", "/meetings/{coordinated_training}/roster/", "coordinated_training")
        page("training-public", "/meetings/{coordinated_training}/public/", "coordinated_training")
        # The demo's Hotline referral, with its triage forms and its deconfliction notice.
        page("tip", "/tips/{tip}/", "tip")
    return _resolved(o, wanted)


def _resolved(objects, wanted) -> tuple[list[Page], list[str]]:
    pages, missing = [], []
    for keys, page in wanted:
        if _needs(objects, *keys):
            pages.append(replace(page, path=page.path.format(**objects)))
        else:
            missing.append(f"{page.name}: the demo data gives no {', '.join(keys)}")
    return pages, missing

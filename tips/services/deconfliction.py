"""Blind deconfliction: an identifier attached to a case or tip is compared, by its keyed
digest, with the identifiers of every other case and tip in the portal. On a match held by
another agency, each side gets a notice that names the kind of identifier and the other
agency with its liaison, and nothing else: no case number, title, note or value."""

from django.db import connection

from activity import live
from activity.kinds import EventKind
from activity.services import audit_record
from agencies import selectors as agency_selectors
from agencies.models import Agency
from tips import access
from tips.models import DeconflictionNotice, DeconflictionOptOut, Identifier, Tip


def holder_id(identifier: Identifier) -> int:
    """The agency that answers for the case or tip the identifier is on."""
    if identifier.case_id is not None:
        return identifier.case.lead_agency_id
    return identifier.tip.holder_id


def _opted_out(identifier: Identifier) -> bool:
    """Whether the identifier's case, or the case its tip was turned into, is marked "do
    not deconflict" (the tip keeps its own copy of the identifiers it gave the case)."""
    case_ids = {identifier.case_id}
    if identifier.tip_id is not None:
        case_ids.add(Tip.objects.filter(pk=identifier.tip_id).values_list("case_id", flat=True)[0])
    case_ids.discard(None)
    return bool(case_ids) and DeconflictionOptOut.objects.filter(case_id__in=case_ids).exists()


def contact(agency: Agency) -> dict:
    """Whom the other side calls: the agency's first active liaison (name and phone), else
    the agency's own number."""
    liaison = agency_selectors.agency_liaisons(agency).first()
    if liaison is None:
        return {"name": "", "phone": agency.contact_phone}
    user = liaison.user
    return {
        "name": user.get_full_name() or user.get_username(),
        "phone": liaison.phone or agency.contact_phone,
    }


def notice_payload(notice: DeconflictionNotice, contacts: dict | None = None) -> dict:
    """What the notice says, in the API and in its event: the same fields. ``contacts``
    keeps the liaisons already looked up, by agency id, for a list of notices."""
    other = notice.other_agency
    if contacts is None:
        contacts = {}
    if other.pk not in contacts:
        contacts[other.pk] = contact(other)
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "kind_label": notice.get_kind_display(),
        "other_holds": "tip" if notice.other_is_tip else "case",
        "other_agency": {"id": other.pk, "short_name": other.short_name, "name": other.name},
        "contact": contacts[other.pk],
        "created_at": notice.created_at,
    }


def notice_payloads(notices) -> list[dict]:
    """The payloads of a list of notices, each agency's liaison looked up once."""
    contacts: dict = {}
    return [notice_payload(notice, contacts) for notice in notices]


def _publish(notice: DeconflictionNotice, *, actor) -> None:
    payload = {"notice": notice_payload(notice)}
    agency_ids, user_ids = {notice.agency_id}, set()
    if notice.case is not None:
        case = notice.case
        payload["case"] = {"id": case.pk, "number": case.number, "title": case.title}
    else:
        # A notice on a tip goes to the coordinators and the assigned agency only, never to
        # a partner that merely recorded the tip (``access.tip_notices``).
        payload["tip"] = {"id": notice.tip_id}
        agency_ids = access.tip_notice_agency_ids(notice.tip)
        user_ids = set(notice.tip.task_force.coordinators.values_list("pk", flat=True))
    live.publish(
        EventKind.DECONFLICTION_MATCH,
        subject=notice,
        payload=payload,
        agency_ids=agency_ids,
        user_ids=user_ids,
        actor=actor,
    )


def _notice(identifier: Identifier, counterpart: Identifier, *, agency_id, other_id):
    notice, created = DeconflictionNotice.objects.get_or_create(
        identifier=identifier,
        counterpart=counterpart,
        defaults={
            "agency_id": agency_id,
            "case_id": identifier.case_id,
            "tip_id": identifier.tip_id,
            "kind": identifier.kind,
            "other_agency_id": other_id,
            "other_is_tip": counterpart.tip_id is not None,
        },
    )
    return notice if created else None


def _serialise(match_key: str) -> None:
    """Take, until the transaction ends, a lock on the match key (PostgreSQL): two
    identifiers with one key attached at once are matched in turn, so the second sees the
    first once it commits, and no match is missed. SQLite's write transactions already run
    one at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(match_key[:15], 16)])


def match_identifier(*, actor, identifier: Identifier) -> list[DeconflictionNotice]:
    """Match a newly attached identifier against every other case's and tip's; create and
    publish the notices of both sides of each match held by another agency, and audit the
    match. A case marked "do not deconflict" takes part in no match. Called by the services
    that attach identifiers, inside their transaction."""
    if _opted_out(identifier):
        return []
    _serialise(identifier.match_key)
    # Read again: who holds the case or tip is decided as it stands now.
    identifier = Identifier.objects.select_related("case", "tip__task_force").get(pk=identifier.pk)
    own = holder_id(identifier)
    others = (
        Identifier.objects.filter(match_key=identifier.match_key, kind=identifier.kind)
        .exclude(pk=identifier.pk)
        .exclude(case_id__in=DeconflictionOptOut.objects.values("case_id"))
        .exclude(tip__case_id__in=DeconflictionOptOut.objects.values("case_id"))
        .select_related("case", "tip__task_force")
    )
    if identifier.case_id is not None:
        others = others.exclude(case_id=identifier.case_id)
    else:
        others = others.exclude(tip_id=identifier.tip_id)
    created = []
    for other in others:
        theirs = holder_id(other)
        if theirs == own:
            continue
        for notice in (
            _notice(identifier, other, agency_id=own, other_id=theirs),
            _notice(other, identifier, agency_id=theirs, other_id=own),
        ):
            if notice is not None:
                created.append(notice)
    if created:
        # The trail names the identifier (by id, never its value) and how many notices the
        # match made; which cases matched stays in the notices themselves.
        audit_record(
            actor=actor,
            action="deconfliction.matched",
            target=identifier,
            changes={"kind": identifier.kind, "notices": len(created)},
        )
        for notice in created:
            notice = DeconflictionNotice.objects.select_related(
                "other_agency", "case", "tip__task_force"
            ).get(pk=notice.pk)
            _publish(notice, actor=actor)
    return created

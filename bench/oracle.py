"""The permission oracle: what each agency may see, computed from the share records with
plain SQL, independently of the portal's policy (cases/access.py, guardian's tables).

Every response and every frame of a benchmark run is checked against it; one leak fails
the run, whatever the timings say.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection

# An agency sees a case it leads, or one shared with it by a share that has not ended and
# has not passed its expiry date (the lead's own access never expires).
VISIBLE_CASES_SQL = """
    SELECT c.id FROM cases_case c WHERE c.lead_agency_id = %(agency)s
    UNION
    SELECT s.case_id FROM cases_caseshare s
    JOIN cases_case c ON c.id = s.case_id
    WHERE s.agency_id = %(agency)s AND s.ended_at IS NULL
      AND (s.expires_on IS NULL OR s.expires_on >= %(today)s OR c.lead_agency_id = s.agency_id)
"""

# A readable note: of a visible case, and case-wide or restricted to the agency.
READABLE_NOTES_SQL = f"""
    SELECT n.id FROM cases_note n
    WHERE n.case_id IN ({VISIBLE_CASES_SQL}) AND n.case_id = ANY(%(cases)s)
      AND (n.visibility = 'case' OR EXISTS (
            SELECT 1 FROM cases_note_restricted_to r
            WHERE r.note_id = n.id AND r.agency_id = %(agency)s))
"""

FIRST_PAGE_SQL = f"""
    SELECT c.id FROM cases_case c WHERE c.id IN ({VISIBLE_CASES_SQL})
    ORDER BY c.updated_at DESC, c.id DESC LIMIT %(limit)s
"""


@dataclass
class Oracle:
    today: dt.date
    checked: int = 0
    leaks: list[str] = field(default_factory=list)
    _visible: dict[int, frozenset[int]] = field(default_factory=dict)

    def visible_cases(self, agency_id: int) -> frozenset[int]:
        if agency_id not in self._visible:
            with connection.cursor() as cursor:
                cursor.execute(VISIBLE_CASES_SQL, {"agency": agency_id, "today": self.today})
                self._visible[agency_id] = frozenset(row[0] for row in cursor.fetchall())
        return self._visible[agency_id]

    def first_page(self, agency_id: int, limit: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                FIRST_PAGE_SQL, {"agency": agency_id, "today": self.today, "limit": limit}
            )
            return [row[0] for row in cursor.fetchall()]

    def readable_notes(self, agency_id: int, case_ids: list[int]) -> frozenset[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                READABLE_NOTES_SQL,
                {"agency": agency_id, "today": self.today, "cases": list(case_ids)},
            )
            return frozenset(row[0] for row in cursor.fetchall())

    def _leak(self, where: str, message: str) -> None:
        self.leaks.append(f"{where}: {message}")

    def check_cases(self, where: str, agency_id: int, case_ids: list[int]) -> None:
        self.checked += 1
        foreign = set(case_ids) - self.visible_cases(agency_id)
        if foreign:
            self._leak(where, f"agency {agency_id} was shown cases {sorted(foreign)[:5]}")

    def check_first_page(self, where: str, agency_id: int, case_ids: list[int]) -> None:
        """The first page is exactly the agency's newest visible cases: nothing foreign,
        nothing of its own missing."""
        self.check_cases(where, agency_id, case_ids)
        expected = self.first_page(agency_id, len(case_ids) or 1)
        if case_ids and case_ids != expected:
            self._leak(where, f"agency {agency_id}'s first page differs from its newest cases")

    def check_notes(self, where: str, agency_id: int, case_id: int, note_ids: list[int]) -> None:
        self.checked += 1
        if case_id not in self.visible_cases(agency_id):
            self._leak(where, f"agency {agency_id} read notes of case {case_id}")
            return
        foreign = set(note_ids) - self.readable_notes(agency_id, [case_id])
        if foreign:
            self._leak(where, f"agency {agency_id} was shown notes {sorted(foreign)[:5]}")

    def check_frame(self, where: str, agency_id: int, frame: dict) -> None:
        """An event about a case reaches only agencies that see the case; one about a note
        only agencies that may read the note. Other events (the broadcast) are addressed to
        every agency."""
        payload = frame.get("payload") or {}
        case = payload.get("case") or {}
        if "id" not in case or frame.get("kind") == "case.withdrawn":
            self.checked += 1
            return
        note = payload.get("note") or {}
        if "id" in note:
            self.check_notes(where, agency_id, case["id"], [note["id"]])
        else:
            self.check_cases(where, agency_id, [case["id"]])

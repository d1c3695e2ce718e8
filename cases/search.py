"""Search of case content: cases, notes, tasks and evidence file names the caller may see,
ranked, with the matching words marked. One selector, two backends:

- PostgreSQL: its full-text search (``SearchVector``, ``SearchQuery``, ``SearchRank``,
  ``SearchHeadline``) over each kind's visible queryset;
- SQLite: the FTS5 index ``cases_search`` (migration 0008, kept in step by triggers),
  joined in the same query to the ids the policy lets the caller see.

Either way the access policy is part of the query itself (``cases.access`` and
``cases.work_access`` give the visible querysets, restricted notes included): a hit the
caller may not see is never read, let alone shown.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Func, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from agencies.access import acting_agency
from cases import access, work_access
from cases.models import Case, Note

MAX_QUERY_LENGTH = 200
LIMIT = 50
# Marks around matching words while a snippet is plain text; replaced by <mark> once the
# rest is escaped.
START, STOP = "\x02", "\x03"
WORDS = re.compile(r"\w+", re.UNICODE)
# The code of each kind in the SQLite index's rowids (migration 0008).
KIND_CODES = {"case": 0, "note": 1, "task": 2, "file": 3}


@dataclass
class Hit:
    kind: str
    id: int
    case: Case
    title: str
    snippet: SafeString
    rank: float
    url: str


def highlighted(text: str) -> SafeString:
    """The snippet as HTML: everything escaped, except the marks around matching words."""
    html = escape(text or "")
    return mark_safe(html.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _visible(user) -> dict[str, QuerySet]:
    agency = acting_agency(user)
    if agency is None:
        return {}
    cases = access.visible_cases(user)
    notes = Note.objects.filter(case__in=cases.values("pk")).filter(
        access.restriction_filter(Note, agency)
    )
    return {
        "case": cases,
        "note": notes.filter(redacted_at__isnull=True),
        "task": work_access.visible_tasks(user),
        # Redacted files are not found (files on redacted notes are not visible at all).
        "file": work_access.visible_files(user).filter(redacted_at__isnull=True),
    }


def _describe(kind: str, obj) -> tuple[Case, str, str]:
    """The case, a title and the address of a hit."""
    if kind == "case":
        return obj, f"{obj.number} · {obj.title}", obj.get_absolute_url()
    if kind == "note":
        who = obj.author_agency.short_name
        return obj.case, f"Note by {who}", f"{obj.case.get_absolute_url()}#note-{obj.pk}"
    if kind == "task":
        return obj.case, obj.title, reverse("task-detail", args=[obj.pk])
    return obj.case, obj.name, f"{obj.case.get_absolute_url()}#file-{obj.pk}"


RELATED = {
    "case": (),
    "note": ("case", "author_agency"),
    "task": ("case",),
    "file": ("case",),
}


def search(user, text: str, *, limit: int = LIMIT) -> list[Hit]:
    """What the caller may see that matches ``text`` (every word), best first."""
    words = WORDS.findall((text or "")[:MAX_QUERY_LENGTH])[:12]
    visible = _visible(user)
    if not words or not visible:
        return []
    if connection.vendor == "postgresql":
        found = _postgres(visible, words, limit)
    else:
        found = _sqlite(visible, words, limit)
    found.sort(key=lambda row: -row[2])
    hits = []
    for kind, obj, rank, snippet in found[:limit]:
        case, title, url = _describe(kind, obj)
        hits.append(Hit(kind, obj.pk, case, title, highlighted(snippet), rank, url))
    return hits


# PostgreSQL


def _postgres(visible: dict[str, QuerySet], words: list[str], limit: int) -> list[tuple]:
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
    )

    query = SearchQuery(" ".join(words), search_type="plain", config="english")
    texts = {
        "case": Concat(
            F("number"),
            Value(" "),
            F("title"),
            Value(" "),
            F("summary"),
            output_field=TextField(),
        ),
        "note": F("body"),
        "task": Concat(F("title"), Value(" "), F("description"), output_field=TextField()),
        # "van-photo-corridor.png" is one token to PostgreSQL's parser: words apart.
        "file": Func(
            F("name"),
            Value("[^[:alnum:]]+"),
            Value(" "),
            Value("g"),
            function="regexp_replace",
            output_field=TextField(),
        ),
    }
    found = []
    for kind, queryset in visible.items():
        vector = SearchVector(texts[kind], config="english")
        rows = (
            queryset.select_related(*RELATED[kind])
            .annotate(search=vector)
            .filter(search=query)
            .annotate(
                rank=SearchRank(vector, query),
                snippet=SearchHeadline(
                    texts[kind],
                    query,
                    config="english",
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=30,
                    min_words=10,
                ),
            )
            .order_by("-rank", "-pk")[:limit]
        )
        found += [(kind, row, float(row.rank), row.snippet) for row in rows]
    return found


# SQLite


def _sqlite(visible: dict[str, QuerySet], words: list[str], limit: int) -> list[tuple]:
    # Every word must match, as a whole word or the start of one; quoted, a word is never
    # read as FTS5 syntax.
    match = " ".join(f'"{word}"*' for word in words)
    found = []
    for kind, queryset in visible.items():
        code = KIND_CODES[kind]
        ids_sql, ids_params = queryset.values("pk").query.sql_with_params()
        # Only Django's own compiled SQL of the visible ids and a constant are put into
        # the text; every value is a parameter.
        sql = (
            "SELECT rowid / 4, -bm25(cases_search), "  # noqa: S608
            "snippet(cases_search, 0, %s, %s, '…', 24) "
            "FROM cases_search WHERE cases_search MATCH %s "
            f"AND rowid %% 4 = {code} AND rowid / 4 IN ({ids_sql}) "
            "ORDER BY bm25(cases_search) LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [START, STOP, match, *ids_params, limit])
            rows = cursor.fetchall()
        if not rows:
            continue
        objects = queryset.model.objects.select_related(*RELATED[kind]).in_bulk(
            [row[0] for row in rows]
        )
        found += [(kind, objects[pk], rank, snippet) for pk, rank, snippet in rows if pk in objects]
    return found

"""The case pages read as words, ask before what cannot be taken back, and refuse what is
too long with a reason (issue 11). Structure is read with html.parser, not searched as text."""

from html.parser import HTMLParser

import pytest

from cases import services
from cases.models import NOTE_MAX_LENGTH, CaseShare, Note
from tests.cases.factories import NoteFactory
from tests.personas import page_client
from tests.snapshots import assert_unchanged, database_state

pytestmark = pytest.mark.django_db


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each <option> and <a>."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.texts: dict[int, list[str]] = {}
        self._open: list[int] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("option", "a", "summary", "button", "li"):
            self._open.append(len(self.elements) - 1)
            self.texts[len(self.elements) - 1] = []

    def handle_endtag(self, tag):
        if tag in ("option", "a", "summary", "button", "li") and self._open:
            self._open.pop()

    def handle_data(self, data):
        for index in self._open:
            self.texts[index].append(data)

    def find(self, tag, **attrs):
        return [
            (a, " ".join("".join(self.texts.get(i, [])).split()))
            for i, (t, a) in enumerate(self.elements)
            if t == tag
            and all(a.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]


def parse(response) -> _Elements:
    parser = _Elements()
    parser.feed(response.content.decode())
    return parser


def options(page: _Elements, name: str, selected: bool = False) -> list[str]:
    """The texts (or, ``selected``, the values of the selected ones) of the options of the
    select named ``name``."""
    found, inside = [], False
    for i, (tag, attrs) in enumerate(page.elements):
        if tag == "select":
            inside = attrs.get("name") == name
        elif tag == "option" and inside:
            if not selected:
                found.append(" ".join("".join(page.texts[i]).split()))
            elif "selected" in attrs:
                found.append(attrs.get("value"))
    return found


# Length limits


def test_a_note_past_the_limit_is_refused_with_the_count_and_kept_in_the_form(
    personas, shared_case
):
    client = page_client(personas, "contributor")
    before = database_state()
    body = "x" * (NOTE_MAX_LENGTH + 7)
    response = client.post(f"/cases/{shared_case.pk}/", {"body": body, "visibility": "case"})
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        f"Notes are limited to {NOTE_MAX_LENGTH:,} characters; this one has "
        f"{NOTE_MAX_LENGTH + 7:,}." in page
    )
    assert body in page  # the text is not lost
    assert_unchanged(before)


def test_the_note_box_has_no_maxlength_that_would_cut_a_paste(personas, shared_case, case_notes):
    client = page_client(personas, "contributor")
    for url in (f"/cases/{shared_case.pk}/", f"/notes/{case_notes.restricted.pk}/edit/"):
        (box,) = parse(client.get(url)).find("textarea", name="body")
        attrs = box[0]
        assert "maxlength" not in attrs
        assert attrs["data-limit"] == str(NOTE_MAX_LENGTH)


def test_a_long_title_from_the_edit_page_is_refused(personas, shared_case):
    client = page_client(personas, "manager")
    before = database_state()
    response = client.post(
        f"/cases/{shared_case.pk}/edit/",
        {
            "title": "T" * 5000,
            "kind": "other",
            "priority": "normal",
            "summary": "",
            "trafficking_type": "smuggling",
        },
    )
    assert response.status_code == 200
    assert len(parse(response).find("p", class_="field-error")) == 2
    page = response.content.decode()
    assert "at most 200 characters" in page
    assert "Select a valid choice" in page
    assert_unchanged(before)


# Long notes fold


def test_a_long_note_is_folded_with_show_more_and_a_short_one_is_not(personas, shared_case):
    manager = personas.user("manager")
    long_note = NoteFactory(actor=manager, case=shared_case, body="word " * 400)
    many_lines = NoteFactory(actor=manager, case=shared_case, body="line\n" * 20)
    short = NoteFactory(actor=manager, case=shared_case, body="Short and sweet.")
    response = page_client(personas, "viewer").get(f"/cases/{shared_case.pk}/")
    page = parse(response)
    # A <details> folds without script; each folded note says "Show more".
    assert len(page.find("details", class_="note-body note-fold")) == 2
    assert len(page.find("span", class_="show-more")) == 2
    # The whole text is in the page once, in the part that opens.
    html = response.content.decode()
    assert html.count(("word " * 400).strip()) == 1
    items = {a["id"]: t for a, t in page.find("li") if a.get("id", "").startswith("note-")}
    assert "Show more" not in items[f"note-{short.pk}"]
    assert "Show more" in items[f"note-{long_note.pk}"]
    assert "Show more" in items[f"note-{many_lines.pk}"]


def test_a_long_summary_folds_too(personas, shared_case):
    services.case_update(actor=personas.user("manager"), case=shared_case, summary="s " * 1000)
    page = parse(page_client(personas, "viewer").get(f"/cases/{shared_case.pk}/"))
    assert len(page.find("details", class_="note-body note-fold summary-fold")) == 1


# Words, not raw values


def test_the_case_list_filters_and_ordering_say_words(personas, shared_case):
    page = parse(page_client(personas, "manager").get("/cases/"))
    ordering = options(page, "ordering")
    assert ordering[:2] == ["Most recently updated", "Least recently updated"]
    assert "Case number" in ordering
    assert options(page, "status")[0] == "Any status"
    assert options(page, "lead_agency")[0] == "Any lead agency"
    html = page_client(personas, "manager").get("/cases/").content.decode()
    assert "---------" not in html
    assert "-updated" not in html.replace('value="-updated"', "")


def test_the_case_list_stacks_on_narrow_screens_with_labels(personas, shared_case):
    page = parse(page_client(personas, "manager").get("/cases/"))
    assert len(page.find("table", class_="table stacked case-table")) == 1
    labels = [a.get("data-label") for a, _ in page.find("td") if a.get("data-label")]
    assert labels[:7] == [
        "Number",
        "Title",
        "Status",
        "Priority",
        "Lead",
        "Latest note",
        "Your access",
    ]


def test_the_access_column_says_the_level_in_words(personas, shared_case):
    html = page_client(personas, "manager").get("/cases/").content.decode()
    assert '<td data-label="Your access">Manage</td>' in html


def test_the_share_form_asks_to_choose_an_agency(personas, shared_case):
    page = parse(page_client(personas, "manager").get(f"/cases/{shared_case.pk}/"))
    assert options(page, "agency")[0] == "Choose an agency"


def test_opening_a_case_starts_on_the_only_task_force(personas):
    page = parse(page_client(personas, "viewer").get("/cases/new/"))
    assert options(page, "task_force")[0] == "Choose a task force"
    assert options(page, "task_force", selected=True) == [str(personas.task_force.pk)]


def test_the_access_report_lists_note_excerpts_with_links_and_names(personas, shared_case):
    manager = personas.user("manager")
    manager.first_name, manager.last_name = "Dana", "Reyes"
    manager.save()
    note = NoteFactory(
        actor=manager, case=shared_case, body="<b>Bold</b> plan for the motel " + "z" * 200
    )
    client = page_client(personas, "manager")
    client.get(f"/cases/{shared_case.pk}/")
    response = client.get(f"/cases/{shared_case.pk}/access-report/")
    page = parse(response)
    links = page.find("a", class_="note-link")
    assert [a["href"] for a, _ in links] == [f"/cases/{shared_case.pk}/#note-{note.pk}"]
    (text,) = [t for _, t in links]
    assert text.startswith("<b>Bold</b> plan for the motel")  # shown as text, escaped
    assert len(text) <= 80
    html = response.content.decode()
    assert "<b>Bold</b>" not in html
    assert "Dana Reyes" in html


def test_the_access_report_leaves_out_notes_the_reader_may_not_read(personas, case_notes):
    case = case_notes.open.case
    page_client(personas, "contributor").get(f"/cases/{case.pk}/")  # reads the restricted one
    services.case_share(
        actor=personas.user("manager"),
        case=case,
        agency=personas.agency("viewer"),
        level="manage",
        purpose="Lead support",
    )
    links = parse(page_client(personas, "viewer").get(f"/cases/{case.pk}/access-report/")).find(
        "a", class_="note-link"
    )
    hrefs = {a["href"] for a, _ in links}
    assert f"/cases/{case.pk}/#note-{case_notes.restricted.pk}" not in hrefs
    assert f"/cases/{case.pk}/#note-{case_notes.open.pk}" in hrefs


# Ask first


def test_revoking_asks_first_and_says_what_the_agency_loses(personas, shared_case):
    client = page_client(personas, "manager")
    viewer = personas.agency("viewer")
    url = f"/cases/{shared_case.pk}/access/{viewer.pk}/revoke/"
    case_page = parse(client.get(f"/cases/{shared_case.pk}/"))
    assert [a["href"] for a, _ in case_page.find("a", class_="danger revoke-link")].count(url) == 1
    before = database_state()
    response = client.get(url)
    assert response.status_code == 200
    assert_unchanged(before)
    page = parse(response)
    (form,) = page.find("form", action=url)
    assert form[0]["method"] == "post"
    lines = [t for _, t in page.find("li") if t]
    assert any("notes" in line for line in lines)
    assert any("meetings about this case" in line for line in lines)
    assert viewer.name in response.content.decode()
    assert client.post(url).status_code == 302
    assert not CaseShare.objects.active().filter(case=shared_case, agency=viewer).exists()


def test_the_revoke_step_is_for_managers_only(personas, shared_case):
    url = f"/cases/{shared_case.pk}/access/{personas.agency('viewer').pk}/revoke/"
    assert page_client(personas, "contributor").get(url).status_code == 403
    assert page_client(personas, "member").get(url).status_code == 404


def test_closing_asks_first_and_says_what_closing_does(personas, shared_case):
    client = page_client(personas, "manager")
    page = parse(client.get(f"/cases/{shared_case.pk}/"))
    assert "closed" not in options(page, "status")
    url = f"/cases/{shared_case.pk}/status/"
    before = database_state()
    response = client.get(url + "?status=closed")
    assert response.status_code == 200
    assert_unchanged(before)
    confirm = parse(response)
    lines = [t for _, t in confirm.find("li") if t]
    assert any("Nobody loses access" in line for line in lines)
    (hidden,) = confirm.find("input", name="status")
    assert hidden[0]["type"] == "hidden" and hidden[0]["value"] == "closed"
    done = client.post(url, {"status": "closed", "reason": "Prosecuted"}, follow=True)
    assert f"{shared_case.number} is now closed." in done.content.decode()
    shared_case.refresh_from_db()
    assert shared_case.status == "closed"


def test_redacting_asks_for_a_reason_and_says_the_text_stays_in_revisions(personas, case_notes):
    client = page_client(personas, "manager")
    note = case_notes.open
    url = f"/notes/{note.pk}/redact/"
    case_page = parse(client.get(f"/cases/{note.case_id}/"))
    assert url in [a["href"] for a, _ in case_page.find("a")]
    assert not case_page.find("form", action=url)  # no one-click redaction on the case page
    before = database_state()
    response = client.get(url)
    assert response.status_code == 200
    assert "stays in the note" in response.content.decode()
    (reason,) = parse(response).find("input", name="reason")
    assert "required" in reason[0]
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    assert_unchanged(before)
    assert client.post(url, {"reason": "Wrong case"}).status_code == 302
    assert Note.objects.get(pk=note.pk).is_redacted


def test_a_reader_who_may_not_redact_gets_no_redaction_step(personas, case_notes):
    assert (
        page_client(personas, "viewer").get(f"/notes/{case_notes.open.pk}/redact/").status_code
        == 403
    )


def test_a_share_that_needs_correcting_comes_back_on_its_own_page(personas, shared_case):
    client = page_client(personas, "manager")
    before = database_state()
    response = client.post(
        f"/cases/{shared_case.pk}/share/",
        {"agency": personas.agency("member").pk, "level": "view", "purpose": "p" * 501},
    )
    assert response.status_code == 200
    assert "Purposes are limited to 500 characters; this one has 501." in response.content.decode()
    assert_unchanged(before)


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id"]


def test_every_element_id_on_the_case_page_is_unique(personas, shared_case):
    # The case page holds many forms (notes, files, outcomes, identifiers, shares, status):
    # a label must point at its own field, and a screen reader must not land in another form.
    response = page_client(personas, "manager").get(f"/cases/{shared_case.pk}/")
    assert response.status_code == 200
    parser = _Ids()
    parser.feed(response.content.decode())
    duplicates = {i for i in parser.ids if parser.ids.count(i) > 1}
    assert parser.ids and not duplicates

"""The tip pages, the public tip page, and identifiers and notices on the case page."""

import pytest
from django.test import Client

from tests.frontend.elements import elements
from tests.personas import ANONYMOUS, page_client
from tests.tips.world import PHONE_AS_MGR_TYPES, PHONE_E164
from tips import services
from tips.models import DeconflictionOptOut, Identifier, Tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def tip(personas):
    return services.tip_record(
        actor=personas.user("contributor"),
        task_force=personas.task_force,
        source="hotline",
        reference="NHTH-7",
        what="Two young women brought to rooms by an older man.",
        where="Motel off I-70",
    )


def add_phone_page(personas, case, persona="manager"):
    return page_client(personas, persona).post(
        f"/cases/{case.pk}/identifiers/", {"kind": "phone", "value": PHONE_AS_MGR_TYPES}
    )


def test_the_case_page_shows_the_notice_to_the_lead_agency_only(personas, shared_case, other_case):
    assert add_phone_page(personas, shared_case).status_code == 302
    manager = page_client(personas, "manager").get(f"/cases/{shared_case.pk}/").content.decode()
    [notice] = elements(manager, "li", cls="notice")
    assert "Other Task Force Agency" in notice.text and "phone number" in notice.text
    [value] = elements(manager, "span", cls="identifier-value")
    assert (value.attrs["title"], value.text) == (PHONE_E164, "(913) 555-0177")
    viewer = page_client(personas, "viewer").get(f"/cases/{shared_case.pk}/").content.decode()
    assert elements(viewer, "li", cls="notice") == []
    values = [e.attrs["title"] for e in elements(viewer, "span", cls="identifier-value")]
    assert values == [PHONE_E164]
    assert elements(viewer, "form", cls="identifier-form") == []
    theirs = page_client(personas, "other").get(f"/cases/{other_case.case.pk}/").content.decode()
    [their_notice] = elements(theirs, "li", cls="notice")
    assert "Managing Agency" in their_notice.text
    assert shared_case.number not in theirs and shared_case.title not in theirs


def test_identifier_forms_follow_the_level(personas, shared_case):
    assert add_phone_page(personas, shared_case, "viewer").status_code == 403
    assert add_phone_page(personas, shared_case, "member").status_code == 404
    assert add_phone_page(personas, shared_case, "contributor").status_code == 302
    identifier = Identifier.objects.get()
    path = f"/identifiers/{identifier.pk}/remove/"
    assert page_client(personas, "other").post(path).status_code == 404
    assert page_client(personas, "viewer").post(path).status_code == 403
    assert page_client(personas, "contributor").post(path).status_code == 302
    assert not Identifier.objects.exists()


def test_only_managers_mark_do_not_deconflict_and_need_a_reason(personas, shared_case):
    path = f"/cases/{shared_case.pk}/deconfliction/"
    assert page_client(personas, "contributor").post(path, {"reason": "x"}).status_code == 403
    page_client(personas, "manager").post(path, {"reason": ""})
    assert not DeconflictionOptOut.objects.exists()
    page_client(personas, "manager").post(path, {"reason": "Covert operation"})
    assert DeconflictionOptOut.objects.get().reason == "Covert operation"
    page = page_client(personas, "manager").get(f"/cases/{shared_case.pk}/").content.decode()
    assert elements(page, "p", cls="opt-out")
    viewer = page_client(personas, "viewer").get(f"/cases/{shared_case.pk}/").content.decode()
    assert "Covert operation" not in viewer


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("contributor", 200),
        ("manager", 404),
        ("viewer", 404),
        ("member", 404),
        ("other", 404),
        (ANONYMOUS, 302),
    ],
)
def test_the_tip_page_opens_for_those_who_see_the_tip(personas, tip, persona, status):
    response = page_client(personas, persona).get(f"/tips/{tip.pk}/")
    assert response.status_code == status
    listed = page_client(personas, persona).get("/tips/")
    if status == 200:
        assert [
            r.attrs["data-tip-id"]
            for r in elements(listed.content.decode(), "tr", attr="data-tip-id")
        ] == [str(tip.pk)]
    elif persona != ANONYMOUS:
        assert elements(listed.content.decode(), "tr", attr="data-tip-id") == []


def test_the_coordinator_triages_and_the_agency_opens_a_case_from_the_pages(personas, tip):
    coordinator = page_client(personas, "coordinator")
    page = coordinator.get(f"/tips/{tip.pk}/").content.decode()
    assert elements(page, "form", cls="assign-form")
    contributor_page = page_client(personas, "contributor").get(f"/tips/{tip.pk}/").content.decode()
    assert elements(contributor_page, "form", cls="assign-form") == []
    refused = page_client(personas, "contributor").post(
        f"/tips/{tip.pk}/triage/", {"action": "close", "reason": "x"}
    )
    assert refused.status_code == 403
    coordinator.post(
        f"/tips/{tip.pk}/triage/", {"action": "assign", "agency": personas.agency("member").pk}
    )
    tip.refresh_from_db()
    assert tip.assigned_agency == personas.agency("member")
    member = page_client(personas, "member")
    page = member.get(f"/tips/{tip.pk}/").content.decode()
    assert elements(page, "form", cls="open-case-form")
    response = member.post(f"/tips/{tip.pk}/case/", {"title": "Motel", "kind": "sex_trafficking"})
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.status == "case_opened" and response["Location"] == tip.case.get_absolute_url()


def test_members_record_a_tip_with_identifiers_from_the_page(personas):
    client = page_client(personas, "contributor")
    assert client.get("/tips/record/").status_code == 200
    response = client.post(
        "/tips/record/",
        {
            "task_force": personas.task_force.pk,
            "source": "officer",
            "what": "Van with blacked-out windows at the truck stop.",
            "identifiers": "plate MO ABC-123\nphone 816 555 0111",
        },
    )
    assert response.status_code == 302
    tip = Tip.objects.get()
    assert sorted(tip.identifiers.values_list("value", flat=True)) == ["+18165550111", "MO ABC123"]
    bad = client.post(
        "/tips/record/",
        {
            "task_force": personas.task_force.pk,
            "source": "officer",
            "what": "x",
            "identifiers": "fax 1",
        },
    )
    assert bad.status_code == 200 and Tip.objects.count() == 1
    assert page_client(personas, "invited_member").get("/tips/record/").status_code == 403


def test_the_public_page_says_911_and_the_hotline_and_takes_a_tip(personas):
    client = Client(REMOTE_ADDR="203.0.113.9")
    page = client.get("/tips/new/").content.decode()
    [emergency] = elements(page, "div", cls="emergency")
    assert "911" in emergency.text
    assert "1-888-373-7888" in page
    response = client.post(
        "/tips/new/",
        {"task_force": personas.other_task_force.pk, "what": "Seen at the bus station."},
    )
    assert response.status_code == 200
    assert elements(response.content.decode(), "section", cls="tip-sent")
    assert Tip.objects.get().task_force == personas.other_task_force


def test_the_footer_links_to_the_public_tip_page(personas):
    page = Client().get("/login/").content.decode()
    assert [a.attrs["href"] for a in elements(page, "a", cls="footer-tip")] == ["/tips/new/"]


@pytest.mark.parametrize(
    "body",
    [
        {"what": "spam", "website": "http://spam.example"},
        {"what": ""},
        {"what": "x" * 5001},
        {"what": "ok", "where": "a\x1bb"},
        {"what": "ok", "contact_email": "nope"},
    ],
)
def test_the_public_page_refuses_abuse_and_stores_nothing(personas, body):
    response = Client().post("/tips/new/", body)
    assert response.status_code == 400
    assert not Tip.objects.exists()


def test_the_public_page_is_rate_limited_per_address(personas, settings):
    settings.TIPS_PUBLIC_RATE = "1/hour"
    client = Client(REMOTE_ADDR="203.0.113.10")
    assert client.post("/tips/new/", {"what": "one"}).status_code == 200
    refused = client.post("/tips/new/", {"what": "two"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert Tip.objects.count() == 1


def test_the_dashboard_lists_new_tips_for_coordinators(personas, tip):
    page = page_client(personas, "coordinator").get("/").content.decode()
    assert [r.attrs["data-tip-id"] for r in elements(page, "tr", attr="data-tip-id")] == [
        str(tip.pk)
    ]
    other = page_client(personas, "other").get("/").content.decode()
    assert elements(other, "tr", attr="data-tip-id") == []
    panel = page_client(personas, "coordinator").get("/dashboard/panels/tips/").content.decode()
    assert elements(panel, "tr", attr="data-tip-id")

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from activity.models import AuditRecord
from agencies.demo import AGENCIES, demo_usernames
from agencies.models import (
    Agency,
    ApiToken,
    MembershipRole,
    TaskForce,
    TaskForceMembership,
    WebhookEndpoint,
)
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot():
    return (
        Agency.objects.count(),
        TaskForce.objects.count(),
        TaskForceMembership.objects.count(),
        get_user_model().objects.count(),
        AuditRecord.objects.count(),
    )


def test_seed_demo_loads_the_task_forces_of_the_seeds():
    output = seed()
    assert {a.short_name for a in Agency.objects.all()} == {
        "FBI",
        "MOAGO",
        "BCSO",
        "JPD",
        "KBI",
        "KCPD",
        "OPPD",
        "SPD",
        "TPD",
        "WPD",
        "HTTC",
        "TAT",
        "KCAHTC",
    }
    fbi_tf = TaskForce.objects.get(slug="fbi-kc-cehttf")
    assert fbi_tf.lead_agency.short_name == "FBI"
    members = set(fbi_tf.memberships.current().values_list("agency__short_name", flat=True))
    assert {"FBI", "MOAGO", "BCSO", "JPD", "KBI", "KCPD", "OPPD", "SPD", "TPD", "WPD"} <= members
    moago = fbi_tf.memberships.get(agency__short_name="MOAGO")
    assert str(moago.joined_on) == "2019-05-20"
    ago_tf = TaskForce.objects.get(slug="mo-ago-httf")
    assert ago_tf.memberships.get(agency__short_name="MOAGO").role == MembershipRole.LEAD
    assert [u.username for u in fbi_tf.coordinators.all()] == ["fbi.coordinator"]
    assert [u.username for u in ago_tf.coordinators.all()] == ["moago.coordinator"]
    for username in demo_usernames():
        assert username in output


def test_seed_demo_is_idempotent():
    seed()
    before = snapshot()
    seed()
    assert snapshot() == before


def test_every_demo_account_logs_in_with_the_demo_password(client, settings):
    seed()
    for username in demo_usernames():
        assert client.login(username=username, password=settings.DEMO_PASSWORD), username
    assert len(AGENCIES) == 13


def test_demo_liaisons_belong_to_their_agency():
    seed()
    user = get_user_model().objects.get(username="kcpd.liaison")
    assert (user.profile.agency.short_name, user.profile.role) == ("KCPD", "liaison")


def test_issue_token_prints_a_working_token_last():
    seed()
    out = StringIO()
    call_command("issue_token", "--user", "kcpd.liaison", "--name", "RMS", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = client.get("/api/v1/agencies/?page_size=200").json()
    assert body["count"] == 13


def test_issue_token_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="No user named"):
        call_command("issue_token", "--user", "ghost", "--name", "x", stdout=StringIO())


def test_a_demo_liaison_does_not_see_contacts_outside_their_task_forces():
    seed()
    kcpd = get_user_model().objects.get(username="kcpd.liaison")
    rows = bearer_client(kcpd).get("/api/v1/agencies/?page_size=200").json()["results"]
    contacts = {row["short_name"]: row["contact"] is not None for row in rows}
    assert contacts["FBI"] and contacts["KBI"] and contacts["MOAGO"]
    assert not contacts["HTTC"] and not contacts["TAT"]


def test_the_demo_cases_show_sharing_at_work():
    from cases import access
    from cases.models import Case

    seed()
    users = {u.username: u for u in get_user_model().objects.all()}

    def titles(username):
        return set(access.visible_cases(users[username]).values_list("title", flat=True))

    motel, massage = (
        "I-70 motel corridor: suspected sex trafficking",
        ("Illicit massage business in a strip mall"),
    )
    assert titles("kcpd.liaison") == {motel}
    assert titles("oppd.liaison") == {motel, massage}
    assert titles("httc.liaison") == set()
    assert titles("bcso.liaison") == set()
    case = Case.objects.get(title=motel)
    fbi_notes = {n.body[:20] for n in access.visible_notes(users["fbi.liaison"], case)}
    oppd_notes = {n.body[:20] for n in access.visible_notes(users["oppd.liaison"], case)}
    assert "A confidential sourc" in fbi_notes
    assert "A confidential sourc" not in oppd_notes


def test_the_demo_meetings_come_from_the_seeds():
    from meetings import access
    from meetings.models import Meeting

    seed()
    training = Meeting.objects.get(kind="training", starts_at__date="2026-03-10")
    assert training.recurrence == "FREQ=DAILY;COUNT=3"
    assert training.open_to_all and training.capacity
    monthly = Meeting.objects.get(title="Monthly task force meeting")
    assert monthly.recurrence == "FREQ=MONTHLY;BYDAY=2TU"
    briefing = Meeting.objects.get(kind="operation_briefing")
    assert briefing.confidential
    users = {u.username: u for u in get_user_model().objects.all()}
    assert access.visible_meetings(users["kcpd.liaison"]).filter(pk=briefing.pk).exists()
    assert not access.visible_meetings(users["bcso.liaison"]).filter(pk=briefing.pk).exists()
    assert access.visible_meetings(users["httc.liaison"]).filter(pk=training.pk).exists()


def test_the_demo_shows_kcpd_admins_an_integration_that_nobody_can_use(client, settings):
    seed()
    seed()
    account = get_user_model().objects.get(username="kcpd.rms")
    [token] = ApiToken.objects.filter(user=account)
    [endpoint] = WebhookEndpoint.objects.filter(agency__short_name="KCPD")
    assert token.scope == "write" and token.allowed_networks == ["10.20.0.0/16"]
    assert not endpoint.enabled  # paused: its example.org host does not resolve
    # The service account has no password: it works only through a token, whose secret
    # the demo did not keep.
    assert not client.login(username="kcpd.rms", password=settings.DEMO_PASSWORD)
    admin = bearer_client(get_user_model().objects.get(username="kcpd.admin"))
    listed = admin.get("/api/v1/tokens/").json()["results"]
    assert [row["prefix"] for row in listed if row["username"] == "kcpd.rms"] == [token.prefix]

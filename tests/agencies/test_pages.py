import pytest
from django.urls import reverse

from activity.models import AuditRecord
from agencies.models import Agency, TaskForce, TaskForceMembership
from tests.agencies.factories import PASSWORD, AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/", "/directory/", "/directory/agencies/{agency}/", "/directory/task-forces/tf-one/"]


@pytest.mark.parametrize("template", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, personas, template):
    response = client.get(template.format(agency=personas.agency("manager").pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_the_login_page_is_the_portals_own_with_the_hotline(client):
    response = client.get("/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Log in to Crossroads" in page
    assert "1-888-373-7888" in page


def test_logging_in_and_out(client, personas):
    response = client.post("/login/", {"username": "member.liaison", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert "Member Agency" in home.content.decode()
    assert "Task Force One" in home.content.decode()
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_a_wrong_password_shows_an_error_and_no_session(client, personas):
    response = client.post("/login/", {"username": "member.liaison", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert client.get("/").status_code == 302


def test_the_directory_shows_partner_contacts_only(client, personas):
    client.force_login(personas.user("member"))
    page = client.get("/directory/").content.decode()
    assert "Task Force One" in page
    assert "Task Force Two" in page
    assert "Other Task Force Agency" in page
    assert personas.agency("manager").contact_email in page
    assert personas.agency("other").contact_email not in page


def test_an_outsiders_page_hides_contacts_and_liaisons(client, personas):
    client.force_login(personas.user("member"))
    page = client.get(f"/directory/agencies/{personas.agency('other').pk}/").content.decode()
    assert "Other Task Force Agency" in page
    assert personas.agency("other").contact_email not in page
    assert personas.user("other").email not in page
    assert "shown only to agencies that share a task force" in page


def test_a_partners_page_shows_contacts_and_liaisons(client, personas):
    client.force_login(personas.user("member"))
    page = client.get(f"/directory/agencies/{personas.agency('manager').pk}/").content.decode()
    assert personas.agency("manager").contact_email in page
    assert personas.user("manager").email in page


def test_a_task_force_page_lists_members_roles_and_former_members(client, personas):
    gone = AgencyFactory(name="Former Agency", short_name="GONE")
    MembershipFactory(task_force=personas.task_force, agency=gone, left_on="2022-03-01")
    client.force_login(personas.user("other"))
    page = client.get("/directory/task-forces/tf-one/").content.decode()
    assert "Member Agency" in page
    assert "Former members" in page
    assert "Former Agency" in page


def test_unknown_pages_are_404(client, personas):
    client.force_login(personas.user("member"))
    assert client.get("/directory/agencies/999999/").status_code == 404
    assert client.get("/directory/task-forces/nope/").status_code == 404


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize(
    "model", ["agency", "taskforce", "taskforcemembership", "apitoken", "user"]
)
def test_the_admin_lists_and_opens_every_model(superuser_client, personas, model):
    app = "auth" if model == "user" else "agencies"
    assert superuser_client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    if model != "apitoken":
        assert superuser_client.get(reverse(f"admin:{app}_{model}_add")).status_code == 200
    assert superuser_client.get(reverse("admin:activity_auditrecord_changelist")).status_code == 200


def test_agencies_added_in_the_admin_get_a_group_and_an_audit_record(superuser_client):
    response = superuser_client.post(
        reverse("admin:agencies_agency_add"),
        {
            "name": "Wichita Police Department",
            "short_name": "WPD",
            "kind": "municipal",
            "jurisdiction": "KS",
            "active": "on",
        },
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302, response.content
    agency = Agency.objects.get(short_name="WPD")
    assert agency.group.name == "agency:WPD"
    record = AuditRecord.objects.get(action="agency.created")
    assert record.actor.username == "root"
    assert record.ip_address == "203.0.113.7"


def test_task_forces_added_in_the_admin_get_their_lead_member(superuser_client, personas):
    response = superuser_client.post(
        reverse("admin:agencies_taskforce_add"),
        {
            "name": "Metro Task Force",
            "slug": "metro",
            "case_prefix": "METRO",
            "lead_agency": personas.agency("member").pk,
            "time_zone": "America/Chicago",
            "description": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content
    task_force = TaskForce.objects.get(slug="metro")
    assert TaskForceMembership.objects.get(task_force=task_force).agency == personas.agency(
        "member"
    )


def test_ending_a_membership_in_the_admin_goes_through_the_rules(superuser_client, personas):
    membership = TaskForceMembership.objects.get(
        task_force=personas.task_force, agency=personas.agency("member")
    )
    url = reverse("admin:agencies_taskforcemembership_change", args=[membership.pk])
    response = superuser_client.post(url, {"role": "member", "left_on": "2024-02-01"})
    assert response.status_code == 302, response.content
    membership.refresh_from_db()
    assert str(membership.left_on) == "2024-02-01"
    assert AuditRecord.objects.filter(action="membership.ended").exists()


def test_superusers_only_reach_the_admin(client, personas):
    client.force_login(personas.user("manager"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_directory_runs_a_fixed_number_of_queries(
    client, personas, django_assert_max_num_queries
):
    from tests.agencies.factories import TaskForceFactory

    for _ in range(8):
        MembershipFactory.create_batch(3, task_force=TaskForceFactory())
    client.force_login(personas.user("member"))
    with django_assert_max_num_queries(10):
        assert client.get("/directory/").status_code == 200

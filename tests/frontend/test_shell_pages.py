"""The shell's own pages read as a product: tables that stack on a phone (every cell names
its column), one date format, words instead of codes, checkboxes inside their labels."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.template import loader
from django.test import Client

from activity.services import audit_record
from agencies.models import Profile

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates"
SHELL_TEMPLATES = [
    "base.html",
    "403.html",
    "404.html",
    "500.html",
    "frontend/directory.html",
    "frontend/agency_detail.html",
    "frontend/task_force_detail.html",
    "frontend/profile.html",
    "frontend/people_list.html",
    "frontend/person_detail.html",
    "frontend/person_deactivate.html",
    "frontend/person_invite.html",
    "frontend/audit.html",
    "frontend/account/security.html",
]
NAMED_FORMATS = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
}


class _Cells(HTMLParser):
    """Every ``table`` with its classes, and the ``td`` cells of its body rows."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"class": attrs.get("class", "").split(), "cells": []})
        elif tag == "td" and self.tables:
            self.tables[-1]["cells"].append(attrs)


def cells(html: str) -> list[dict]:
    parser = _Cells()
    parser.feed(html)
    return [t for t in parser.tables if "table" in t["class"]]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin(personas):
    user = personas.user("manager")
    Profile.objects.filter(user=user).update(is_agency_admin=True)
    audit_record(actor=user, action="taskforce.coordinator_added", target=user)
    return user


def shell_urls(personas) -> list[str]:
    return [
        "/directory/",
        f"/directory/agencies/{personas.agency('manager').pk}/",
        f"/directory/task-forces/{personas.task_force.slug}/",
        "/agency/people/",
        "/audit/",
    ]


def test_the_shells_tables_stack_on_a_phone_and_name_each_column(personas, admin):
    client = signed_in(admin)
    for url in shell_urls(personas):
        tables = cells(client.get(url).content.decode())
        assert tables, url
        for table in tables:
            assert "stacked" in table["class"], url
            for cell in table["cells"]:
                assert cell.get("data-label") or cell.get("colspan"), (url, cell)


@pytest.mark.parametrize("template", SHELL_TEMPLATES)
def test_the_shells_templates_use_the_shared_date_formats(template):
    source = (TEMPLATES / template).read_text()
    used = re.findall(r"\|(?:date|time):[\"']([^\"']*)[\"']", source)
    assert set(used) <= NAMED_FORMATS, used
    assert "|utc" not in source


def test_audit_actions_read_as_words_and_keep_their_code_for_the_filter(personas, admin):
    page = signed_in(admin).get("/audit/").content.decode()
    assert "Task force coordinator added" in page
    assert 'title="taskforce.coordinator_added"' in page
    assert "<code>taskforce.coordinator_added</code>" not in page


def test_the_audit_outcome_select_says_its_blank_in_words(personas, admin):
    page = signed_in(admin).get("/audit/").content.decode()
    assert "---------" not in page
    assert re.search(r'<option value=""( selected)?>Any outcome</option>', page)


def test_the_person_deactivation_names_no_username_on_its_button(personas, admin):
    target = personas.user("coordinator")
    page = signed_in(admin).get(f"/agency/people/{target.pk}/deactivate/").content.decode()
    assert f"Deactivate {target.username}<" not in page
    assert "Deactivate the account" in page


def test_a_checkbox_field_sits_inside_its_label():
    class Form(forms.Form):
        agree = forms.BooleanField(label="I checked the identity", required=False)
        name = forms.CharField(label="Name")

    html = loader.get_template("frontend/_field.html").render({"field": Form()["agree"]})
    assert re.search(r'<label class="inline"><input type="checkbox"[^>]*> I checked', html)
    html = loader.get_template("frontend/_field.html").render({"field": Form()["name"]})
    assert '<label for="id_name">Name</label>' in html


def test_long_zone_names_read_with_spaces(personas):
    personas.task_force.time_zone = "America/New_York"
    personas.task_force.save()
    page = signed_in(personas.user("viewer")).get("/directory/").content.decode()
    assert "America/New York" in page


def test_audit_changes_name_their_fields_in_words(personas, admin):
    audit_record(
        actor=admin,
        action="person.updated",
        target=admin,
        changes={"is_agency_admin": [False, True], "time_zone": ["", "Asia/Tokyo"]},
    )
    page = signed_in(admin).get("/audit/").content.decode()
    assert "agency admin, time zone" in page
    assert "is_agency_admin" not in page

"""The demo's Hotline referral shares a phone number with KCPD's I-70 case: both agencies
see the notice at once, and neither sees the other's case or tip."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from cases.models import Case
from tips.models import DeconflictionNotice, Tip

pytestmark = pytest.mark.django_db


def test_the_demo_tip_and_the_kcpd_case_are_told_of_each_other():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent
    tip = Tip.objects.get(reference="NHTH-DEMO-0042")
    case = Case.objects.get(title__startswith="I-70 motel corridor")
    assert DeconflictionNotice.objects.count() == 2
    client = APIClient()
    client.force_login(get_user_model().objects.get(username="kcpd.liaison"))
    [notice] = client.get(f"/api/v1/cases/{case.pk}/deconfliction/").json()
    assert notice["other_holds"] == "tip" and notice["other_agency"]["short_name"] == "FBI"
    assert client.get(f"/api/v1/tips/{tip.pk}/").status_code == 404
    coordinator = APIClient()
    coordinator.force_login(get_user_model().objects.get(username="fbi.coordinator"))
    [theirs] = coordinator.get(f"/api/v1/tips/{tip.pk}/").json()["notices"]
    assert theirs["other_agency"]["short_name"] == "KCPD"
    assert case.number not in str(theirs) and case.title not in str(theirs)

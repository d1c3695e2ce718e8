"""Sealed tokens: only this deployment opens them, for the purpose they were sealed for, within
the age the reader accepts, also after the secret key was rotated into the fallbacks."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from activity import sealed


def test_a_sealed_token_opens_for_its_purpose_only():
    token = sealed.seal({"email": "pat@example.org"}, purpose="confirm")
    assert sealed.unseal(token, purpose="confirm") == {"email": "pat@example.org"}
    with pytest.raises(sealed.Unreadable):
        sealed.unseal(token, purpose="cancel")
    with pytest.raises(sealed.Unreadable):
        sealed.unseal(token[:-4] + "AAAA", purpose="confirm")
    with pytest.raises(sealed.Unreadable):
        sealed.unseal("not a token", purpose="confirm")


def test_an_old_token_has_expired():
    token = sealed.seal({"n": 1}, purpose="confirm")
    with time_machine.travel(timezone.now() + dt.timedelta(hours=3)):
        assert sealed.unseal(token, purpose="confirm", max_age=dt.timedelta(hours=4))
        with pytest.raises(sealed.Expired):
            sealed.unseal(token, purpose="confirm", max_age=dt.timedelta(hours=2))


def test_a_rotated_key_still_opens_what_it_sealed_and_a_foreign_key_does_not(settings):
    token = sealed.seal({"n": 1}, purpose="confirm")
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 40, [old]
    assert sealed.unseal(token, purpose="confirm") == {"n": 1}
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(sealed.Unreadable):
        sealed.unseal(token, purpose="confirm")

"""Signing out closes the person's open dashboard sockets."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from activity import live


@receiver(user_logged_out)
def close_sockets_on_logout(sender, request, user, **kwargs):
    if user is not None:
        live.close_sockets(user_ids=[user.pk])

"""What the agencies app does when Django or django-axes announce a sign-in event.

Django sends ``user_logged_in`` when a password is accepted (the sign-in form, the admin's
login, the test client), ``user_login_failed`` for a refused password (and the second step
sends it for a wrong code), ``user_logged_out`` at sign-out; axes sends ``user_locked_out``
when an account reaches its limit of failures. ``activity.live`` sends ``published`` for
every stored event: it is queued for the audience agencies' webhook endpoints.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from activity import live
from agencies import services
from agencies.sessions import session_start
from agencies.signin import second_step


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    session_start(request.session)
    if second_step(user, verified=False) is None:
        services.signin_complete(user=user, factors=["password"])
    else:
        services.signin_password_accepted(user=user)


@receiver(user_login_failed)
def signin_failed(sender, credentials, request=None, **kwargs):
    services.signin_fail(
        username=str(credentials.get("username") or ""),
        step=str(credentials.get("step") or "password"),
    )


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        services.signout_record(user=user)


@receiver(user_locked_out)
def locked_out(sender, request, username, ip_address, **kwargs):
    if username:
        services.account_lock(username=username, address=ip_address)


@receiver(live.published)
def queue_webhooks(sender, event, agency_ids, **kwargs):
    services.webhook_queue(event=event, agency_ids=agency_ids)

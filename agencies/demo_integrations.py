"""The demo's integrations: KCPD's records system reaches the API as a service account
with a token limited to its network, and has a webhook endpoint, paused. The token's secret
is not kept anywhere (nobody can use it); the endpoint's host is under example.org, which
does not resolve, so it is made paused and nothing is ever sent to it."""

from django.contrib.auth import get_user_model

from agencies import services
from agencies.models import Agency, AgencyRole, ApiToken, Profession, WebhookEndpoint
from agencies.webhooks import signing

User = get_user_model()

SERVICE_ACCOUNT = "kcpd.rms"
TOKEN_NAME = "Records system sync"  # noqa: S105 (a label, not a secret)
WEBHOOK_URL = "https://rms.kcpd.example.org/crossroads/events"


def seed_integrations(kcpd: Agency) -> None:
    account = User.objects.filter(username=SERVICE_ACCOUNT).first()
    if account is None:
        account = services.person_create(
            actor=None,
            username=SERVICE_ACCOUNT,
            agency=kcpd,
            profession=Profession.ANALYST,
            email=f"{SERVICE_ACCOUNT}@kcpd.example.org",
            first_name="KCPD",
            last_name="Records Sync",
            title="Service account of the records system (no sign-in)",
            role=AgencyRole.OBSERVER,
        )  # no password: the account works through its token only
    if not ApiToken.objects.filter(user=account, name=TOKEN_NAME).exists():
        services.token_issue(
            actor=None,
            user=account,
            name=TOKEN_NAME,
            scope="write",
            expires_in_days=365,
            allowed_networks=["10.20.0.0/16"],
        )
    if not WebhookEndpoint.objects.filter(agency=kcpd, url=WEBHOOK_URL).exists():
        secret = signing.new_secret()
        WebhookEndpoint.objects.create(
            agency=kcpd,
            url=WEBHOOK_URL,
            description="Case changes and new notes for the records system",
            kinds=["case.updated", "case.note_added"],
            secret_encrypted=signing.encrypt(secret),
            secret_prefix=secret[:12],
            enabled=False,
            disabled_reason="Paused until the records system moves to its new server.",
        )

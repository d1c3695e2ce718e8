"""Issue an API token for a person. The token is printed once, on the last line."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from agencies.models import TokenScope
from agencies.services import token_issue


class Command(BaseCommand):
    help = "Issue a bearer token for the REST API and the live event stream."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username the token acts for.")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        parser.add_argument(
            "--days", type=int, default=None, help="Days until it expires (default 90)."
        )

    def handle(self, *args, user, name, scope, days, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user named {user!r}.")
        try:
            token, secret = token_issue(
                actor=None, user=account, name=name, scope=scope, expires_in_days=days
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Token {token.name!r} for {account.username}, scope {scope}, "
            f"expires {token.expires_at:%Y-%m-%d}. It is shown only now:"
        )
        self.stdout.write(secret)

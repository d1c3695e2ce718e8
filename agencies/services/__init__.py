"""Every write of the agencies app: agencies, task forces, memberships, people, tokens.

Each function validates, writes in one transaction and appends to the audit trail.
``actor`` is the person acting (``None`` for the system itself, e.g. ``seed_demo``).
The people services check who acts (``agencies.access``): an agency admin changes only
their own agency's people, so pages and API share one confinement; so do ``account_unlock``
and ``mfa_reset``, where a person acts on another's account. The other services leave
authorisation to their callers: the Django admin (superusers), management commands, the
demo seeding and the pages. One module per subject; import from here.
"""

from agencies.services.accounts import (  # noqa: F401
    accounts_disable_inactive,
    inactive_accounts,
    password_set,
)
from agencies.services.agency import (  # noqa: F401
    AGENCY_FIELDS,
    agency_create,
    agency_set_active,
    agency_update,
)
from agencies.services.invitations import (  # noqa: F401
    invitation_accept,
    invitation_resend,
    person_invite,
)
from agencies.services.mfa import (  # noqa: F401
    mfa_enrol,
    mfa_remove,
    mfa_reset,
    recovery_codes_regenerate,
)
from agencies.services.people import (  # noqa: F401
    AGENCY_ADMIN_FIELDS,
    PROFILE_FIELDS,
    USER_FIELDS,
    person_change_agency,
    person_create,
    person_set_active,
    person_update,
    profile_create,
)
from agencies.services.profile import profile_set_time_zone  # noqa: F401
from agencies.services.signin import (  # noqa: F401
    account_lock,
    account_unlock,
    second_factor_check,
    signin_complete,
    signin_fail,
    signin_password_accepted,
    signout_record,
)
from agencies.services.task_forces import (  # noqa: F401
    TASK_FORCE_FIELDS,
    coordinator_add,
    coordinator_remove,
    membership_add,
    membership_change_role,
    membership_end,
    task_force_change_lead,
    task_force_create,
    task_force_update,
)
from agencies.services.tokens import (  # noqa: F401
    token_digest,
    token_issue,
    token_revoke,
    tokens_revoke_all,
)
from agencies.services.webhooks import (  # noqa: F401
    webhook_attempt_record,
    webhook_create,
    webhook_delete,
    webhook_disable_failing,
    webhook_queue,
    webhook_rotate_secret,
    webhook_update,
    webhook_withhold,
)

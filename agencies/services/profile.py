"""A person's own settings: the time zone their pages show times in."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from activity.services import audit_record
from agencies import access
from agencies.models import Profile
from agencies.services.changes import apply_changes


@transaction.atomic
def profile_set_time_zone(*, actor, profile: Profile, time_zone: str) -> Profile:
    """Set the zone ``profile``'s person sees times in; blank means their task force's.

    A person sets their own; their agency's admins (and superusers) may set it for them,
    as with the other profile fields. Anyone else is refused and nothing changes."""
    own = actor is not None and actor.is_authenticated and actor.pk == profile.user_id
    if not own and not access.can_manage_person(actor, profile.user):
        raise PermissionDenied("You may change only your own time zone.")
    diff = apply_changes(profile, {"time_zone": time_zone.strip()}, {"time_zone"})
    if not diff:
        return profile
    profile.full_clean(exclude=["user", "agency"])
    profile.save(update_fields=["time_zone"])
    audit_record(actor=actor, action="person.updated", target=profile.user, changes=diff)
    return profile

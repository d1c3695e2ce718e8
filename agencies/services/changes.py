"""Field changes applied the same way by every service of the app."""

from typing import Any

from django.core.exceptions import ValidationError


def apply_changes(instance, changes: dict[str, Any], allowed: set[str]) -> dict[str, list]:
    """Set the allowed fields on ``instance``; return ``{field: [old, new]}`` of real changes."""
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    diff = {}
    for field, value in changes.items():
        old = getattr(instance, field)
        if old != value:
            diff[field] = [old, value]
            setattr(instance, field, value)
    return diff

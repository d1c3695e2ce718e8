"""What the cases app announces to the floors above it.

Sent by services of ``cases/services.py`` inside their transaction, after their own
writes; receivers in higher apps call their own services in the same transaction.
"""

from django.dispatch import Signal

case_access_changed = Signal()
"""An agency was given access to a case, or its share changed (level or expiry date).

Sent with ``case``, ``agency``, ``level``, ``expires_on`` (the last day of access, or
``None``) and ``actor`` once the grant is written. The meetings app dates the agency's
replay of the events of meetings about the case to the share's end.
"""

case_access_ended = Signal()
"""An agency lost its access to a case: revoked, expired, or it left the task force.

Sent with ``case``, ``agency``, ``reason`` (``"revoked"``, ``"expired"``, ``"left the task
force"``) and ``actor`` once the grant is gone and the agency is out of the audience of the
case's past events. The meetings app withdraws the meetings about the case from the agency.
"""

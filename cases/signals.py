"""What the cases app announces to the floors above it.

Sent by services of ``cases/services.py`` inside their transaction, after their own
writes; receivers in higher apps call their own services in the same transaction.
"""

from django.dispatch import Signal

case_access_ended = Signal()
"""An agency lost its access to a case: revoked, expired, or it left the task force.

Sent with ``case``, ``agency``, ``reason`` (``"revoked"``, ``"expired"``, ``"left the task
force"``) and ``actor`` once the grant is gone and the agency is out of the audience of the
case's past events. The meetings app withdraws the meetings about the case from the agency.
"""

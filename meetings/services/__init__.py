"""Every write of the meetings app: scheduling, changes, answers, occurrences, minutes,
action items, training registrations, calendar feeds, the record of exports, and what other
apps' changes take away. Access comes from the policy in ``meetings/access.py``; each
function validates, writes in one transaction and audits. One module per subject; import from here.
"""

from meetings.services.answers import (  # noqa: F401
    action_item_add,
    action_item_set_done,
    meeting_rsvp,
)
from meetings.services.attendance import (  # noqa: F401
    attendance_record,
    certificate_record_download,
    registrant_erase,
    registrant_export,
    registration_complete,
)
from meetings.services.cascades import (  # noqa: F401
    case_meeting_events_until,
    coordinator_events_retract,
    invitations_end_for_case,
    invitations_end_for_task_force,
    registrations_end_for_person,
)
from meetings.services.exports import (  # noqa: F401
    feed_record_read,
    meeting_record_export,
    roster_record_export,
)
from meetings.services.feeds import (  # noqa: F401
    feed_for,
    feed_rotate,
)
from meetings.services.occurrences import (  # noqa: F401
    occurrence_cancel,
    occurrence_move,
)
from meetings.services.public import (  # noqa: F401
    public_registration_cancel,
    public_registration_confirm,
    public_registration_request,
    registrant_add,
    training_set_public,
)
from meetings.services.scheduling import (  # noqa: F401
    meeting_cancel,
    meeting_conflicts,
    meeting_schedule,
    meeting_update,
)
from meetings.services.trainings import (  # noqa: F401
    registration_cancel,
    registration_register,
)

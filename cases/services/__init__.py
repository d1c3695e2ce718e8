"""Every write of the cases app. Each function checks the caller's access through the
policy (``cases/access.py``), validates, writes in one transaction and audits. One module per
subject; import from here.
"""

from cases.services.cases import (  # noqa: F401
    CASE_FIELDS,
    STATUS_TRANSITIONS,
    case_change_status,
    case_open,
    case_record_read,
    case_update,
)
from cases.services.files import (  # noqa: F401
    FileGone,
    FileTooLarge,
    file_open,
    file_redact,
    file_upload,
    served_type,
)
from cases.services.notes import (  # noqa: F401
    VersionConflict,
    note_add,
    note_edit,
    note_redact,
)
from cases.services.outcomes import (  # noqa: F401
    case_outcome_record,
    case_outcome_withdraw,
)
from cases.services.sharing import (  # noqa: F401
    case_share,
    case_shares_end_expired,
    case_shares_end_for_agency,
    case_unshare,
)
from cases.services.tags import case_set_tags, tag_create, tag_delete  # noqa: F401
from cases.services.tasks import (  # noqa: F401
    TASK_FIELDS,
    assignable_people,
    task_create,
    task_update,
)

"""Every write of the tips app. Each function checks the caller's access through the policy
(``tips/access.py``, ``cases/access.py``), validates, writes in one transaction, audits and
publishes its events. One module per subject; import from here.
"""

from tips.services.deconfliction import match_identifier  # noqa: F401
from tips.services.identifiers import (  # noqa: F401
    case_opt_in,
    case_opt_out,
    identifier_add,
    identifier_remove,
    tip_identifier_add,
)
from tips.services.tips import (  # noqa: F401
    tip_assign,
    tip_close,
    tip_mark_duplicate,
    tip_open_case,
    tip_record,
    tip_submit_public,
)

"""REST API of cases, sharing and notes. Views are thin: the policy fetches, services write.
``cases/api_urls.py`` routes to the views named here."""

from cases.api.cases import (  # noqa: F401
    CaseAccessReportView,
    CaseAccessRevokeView,
    CaseAccessView,
    CaseViewSet,
)
from cases.api.common import PersonRefSerializer  # noqa: F401
from cases.api.files import CaseFilesView, FileViewSet  # noqa: F401
from cases.api.notes import CaseNotesView, NoteViewSet  # noqa: F401
from cases.api.outcomes import CaseOutcomesView, CaseOutcomeWithdrawView  # noqa: F401
from cases.api.search import SearchView  # noqa: F401
from cases.api.tags import CaseTagsView, TagViewSet  # noqa: F401
from cases.api.tasks import CaseTasksView, TaskViewSet  # noqa: F401

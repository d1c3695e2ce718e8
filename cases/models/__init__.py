"""The models of the cases app, one module per subject: cases, shares and notes (``base``),
outcome records, tasks, evidence files and tags. Import them from here."""

from cases.models.base import (  # noqa: F401
    EPOCH,
    NOTE_MAX_LENGTH,
    PURPOSE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    AccessLevel,
    Case,
    CaseAccess,
    CaseAgencyPermission,
    CaseKind,
    CasePriority,
    CaseShare,
    CaseShareQuerySet,
    CaseStatus,
    CaseStatusChange,
    CaseUserPermission,
    Note,
    NoteRevision,
    NoteVisibility,
    TraffickingType,
    too_long,
)
from cases.models.files import FILE_NAME_MAX_LENGTH, EvidenceFile  # noqa: F401
from cases.models.outcomes import (  # noqa: F401
    OUTCOME_MAX,
    WITHDRAWAL_REASON_MAX_LENGTH,
    AgeGroup,
    CaseOutcome,
    Citizenship,
    OutcomeKind,
    Statute,
)
from cases.models.tags import TAG_MAX_LENGTH, Tag  # noqa: F401
from cases.models.tasks import (  # noqa: F401
    TASK_DESCRIPTION_MAX_LENGTH,
    Task,
    TaskChange,
    TaskStatus,
)

"""Evidence files on a case or one of its notes, kept for the chain of custody."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from cases.models.base import REASON_MAX_LENGTH, Case, Note, NoteVisibility

FILE_NAME_MAX_LENGTH = 255


class EvidenceFile(models.Model):
    """A file uploaded by a contributing agency to a case (or to one of its notes).

    The bytes live in the ``evidence`` storage (outside the web root), under ``stored_name``;
    every download goes through the access policy. ``sha256`` is the digest of the bytes as
    received; it stays when a redaction deletes them. Visibility follows the rule of notes;
    a file on a note also needs the note to be readable.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    note = models.ForeignKey(
        Note, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    name = models.CharField(max_length=FILE_NAME_MAX_LENGTH)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=127, help_text="Detected from the content.")
    stored_name = models.CharField(max_length=255, blank=True)
    visibility = models.CharField(
        max_length=12, choices=NoteVisibility.choices, default=NoteVisibility.CASE
    )
    restricted_to = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="restricted_files"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="uploaded_files"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    redacted_at = models.DateTimeField(null=True, blank=True)
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    redaction_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["case", "-uploaded_at", "-id"], name="file_timeline")]

    def __str__(self) -> str:
        # No name: it is case content, and this text reaches the audit trail.
        return f"File {self.pk} on case {self.case_id}"

    def get_absolute_url(self) -> str:
        return reverse("case-detail", args=[self.case_id]) + f"#file-{self.pk}"

    @property
    def is_redacted(self) -> bool:
        return self.redacted_at is not None

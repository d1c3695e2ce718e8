"""Tags: the vocabulary a task force uses to group its cases."""

from django.db import models

from cases.models.base import Case

TAG_MAX_LENGTH = 60


class Tag(models.Model):
    """A word of a task force's vocabulary ("illicit massage", "labor", "minor victim").
    Its coordinators keep the vocabulary; agencies that manage a case pick its tags from
    the vocabulary of the case's task force."""

    task_force = models.ForeignKey(
        "agencies.TaskForce", on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(max_length=TAG_MAX_LENGTH)
    slug = models.SlugField(max_length=TAG_MAX_LENGTH)
    cases = models.ManyToManyField(Case, blank=True, related_name="tags")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["task_force", "slug"], name="tag_slug_per_task_force")
        ]

    def __str__(self) -> str:
        return self.name

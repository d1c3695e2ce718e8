# A task's history shows each change only to agencies that could read the task then.

from django.db import migrations, models


def backfill(apps, schema_editor):
    """Each past change gets the task's audience right after it, found by walking the
    history back from the task as it stands (each edit records the visibility and the
    restricted agencies it replaced)."""
    Task = apps.get_model("cases", "Task")
    for task in Task.objects.all().iterator():
        visibility = task.visibility
        ids = sorted(task.restricted_to.values_list("pk", flat=True))
        for change in task.changes.order_by("-changed_at", "-id"):
            change.visibility = visibility
            change.restricted_to = ids if visibility == "restricted" else []
            change.save(update_fields=["visibility", "restricted_to"])
            fields = change.fields or {}
            if "visibility" in fields and fields["visibility"][0]:
                visibility = fields["visibility"][0]
            if "restricted_to" in fields:
                ids = sorted(fields["restricted_to"][0] or [])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="taskchange",
            name="restricted_to",
            field=models.JSONField(default=list, help_text="agency ids, if restricted"),
        ),
        migrations.AddField(
            model_name="taskchange",
            name="visibility",
            field=models.CharField(
                choices=[
                    ("case", "Every agency with access to the case"),
                    ("restricted", "Only the listed agencies"),
                ],
                default="case",
                max_length=12,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

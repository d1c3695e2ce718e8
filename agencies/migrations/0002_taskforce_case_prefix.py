import re

from django.db import migrations, models

import agencies.models


def fill_prefixes(apps, schema_editor):
    TaskForce = apps.get_model("agencies", "TaskForce")
    for task_force in TaskForce.objects.all():
        base = re.sub(r"[^A-Z0-9]", "", task_force.slug.upper())[:8] or "TF"
        task_force.case_prefix = f"{base}{task_force.pk}"[:12]
        task_force.save(update_fields=["case_prefix"])


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="taskforce",
            name="case_prefix",
            field=models.CharField(max_length=12, null=True),
        ),
        migrations.RunPython(fill_prefixes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="taskforce",
            name="case_prefix",
            field=models.CharField(
                max_length=12, unique=True, validators=[agencies.models.case_prefix_validator]
            ),
        ),
    ]

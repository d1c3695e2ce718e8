# The four counters a case had before its outcomes were dated records (0005 moved them).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_outcome_counters_to_records"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="case",
            name="arrests",
        ),
        migrations.RemoveField(
            model_name="case",
            name="charges_filed",
        ),
        migrations.RemoveField(
            model_name="case",
            name="victims_identified",
        ),
        migrations.RemoveField(
            model_name="case",
            name="victims_referred",
        ),
    ]

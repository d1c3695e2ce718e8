# The dated outcome records of a case and its trafficking type (0005 fills them in).

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0007_webhooks"),
        ("cases", "0003_case_access"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseOutcome",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("victims_identified", "Victims identified"),
                            ("victims_referred", "Victims referred to services"),
                            ("arrests", "Arrests"),
                            ("charges_filed", "Charges filed"),
                            ("prosecutions", "Prosecutions"),
                            ("convictions", "Convictions"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "count",
                    models.PositiveIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(100000),
                        ]
                    ),
                ),
                ("occurred_on", models.DateField()),
                (
                    "age_group",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("adult", "Adult"),
                            ("minor", "Minor"),
                            ("unknown", "Age not known"),
                        ],
                        max_length=8,
                    ),
                ),
                (
                    "citizenship",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("us_citizen", "US citizen"),
                            ("foreign_national", "Foreign national"),
                            ("unknown", "Citizenship not known"),
                        ],
                        max_length=16,
                    ),
                ),
                (
                    "statute",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("human_trafficking", "Human-trafficking statutes"),
                            ("other", "Other charges"),
                        ],
                        max_length=20,
                    ),
                ),
                ("recorded_at", models.DateTimeField()),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                ("withdrawal_reason", models.CharField(blank=True, max_length=500)),
            ],
            options={
                "ordering": ["-occurred_on", "-id"],
            },
        ),
        migrations.AddField(
            model_name="case",
            name="trafficking_type",
            field=models.CharField(
                choices=[
                    ("sex", "Sex trafficking"),
                    ("labor", "Labor trafficking"),
                    ("both", "Sex and labor trafficking"),
                    ("unknown", "Not yet known"),
                ],
                default="unknown",
                max_length=8,
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["task_force", "created_at"], name="case_opened"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["lead_agency", "created_at"], name="case_opened_by_lead"),
        ),
        migrations.AddField(
            model_name="caseoutcome",
            name="case",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outcomes",
                to="cases.case",
            ),
        ),
        migrations.AddField(
            model_name="caseoutcome",
            name="recorded_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="caseoutcome",
            name="task_force",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.taskforce",
            ),
        ),
        migrations.AddField(
            model_name="caseoutcome",
            name="withdrawn_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="caseoutcome",
            index=models.Index(fields=["case", "-occurred_on"], name="outcome_case"),
        ),
        migrations.AddIndex(
            model_name="caseoutcome",
            index=models.Index(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=["task_force", "occurred_on"],
                name="outcome_task_force_period",
            ),
        ),
    ]

"""The audit trail's rows move from `plans` to `audit` with their table: state only, no
table is created, and the content type (with its permissions) follows the model."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="plans", model="auditevent").update(app_label="audit")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="audit", model="auditevent").update(app_label="plans")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("plans", "0005_add_audit_event"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("refused", "Permission refused"),
                                    ("import", "Spreadsheet imported"),
                                ],
                                max_length=20,
                                verbose_name="action",
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(
                                db_index=True,
                                default=django.utils.timezone.now,
                                verbose_name="time",
                            ),
                        ),
                        (
                            "username",
                            models.CharField(blank=True, max_length=150, verbose_name="user name"),
                        ),
                        (
                            "path",
                            models.CharField(blank=True, max_length=500, verbose_name="address"),
                        ),
                        (
                            "object_repr",
                            models.CharField(blank=True, max_length=300, verbose_name="object"),
                        ),
                        (
                            "detail",
                            models.CharField(blank=True, max_length=500, verbose_name="detail"),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "audit event",
                        "verbose_name_plural": "audit events",
                        "db_table": "plans_auditevent",
                        "ordering": ["-at", "-pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("action__in", ["refused", "import"])),
                                name="auditevent_action_valid",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]

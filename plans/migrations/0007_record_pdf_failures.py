"""A plan PDF whose render failed is recorded with its reason, instead of an empty file."""

import plans.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0006_hand_audit_event_to_audit"),
    ]

    operations = [
        migrations.AddField(
            model_name="planpdf",
            name="failed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="failed at"),
        ),
        migrations.AddField(
            model_name="planpdf",
            name="failure",
            field=models.CharField(
                blank=True, max_length=20, verbose_name="why the PDF could not be made"
            ),
        ),
        migrations.AddField(
            model_name="planpublication",
            name="failed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="failed at"),
        ),
        migrations.AddField(
            model_name="planpublication",
            name="failure",
            field=models.CharField(
                blank=True, max_length=20, verbose_name="why the PDF could not be made"
            ),
        ),
        migrations.AlterField(
            model_name="planpdf",
            name="file",
            field=models.FileField(
                blank=True, upload_to=plans.models.plan_document_path, verbose_name="PDF"
            ),
        ),
        migrations.AddConstraint(
            model_name="planpdf",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("failure", ""), models.Q(("file", ""), _negated=True)),
                    models.Q(models.Q(("failure", ""), _negated=True), ("file", "")),
                    _connector="OR",
                ),
                name="planpdf_file_or_failure",
            ),
        ),
    ]

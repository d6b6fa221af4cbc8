"""`AuditEvent` now belongs to the `audit` app, which keeps its table (state only)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0005_add_audit_event"),
        ("audit", "0001_take_over_audit_event"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
            database_operations=[],
        ),
    ]

# The version compared when two people edit the same comment window (core.concurrency).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0007_comment_groups_themes_offline_sources"),
    ]

    operations = [
        migrations.AddField(
            model_name="commentwindow",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
    ]

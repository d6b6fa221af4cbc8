from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0009_comment_public_order_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=[
                    "window",
                    "state",
                    "group",
                    "commitment",
                    "sector",
                    "region",
                    "channel",
                    "created_at",
                ],
                name="comment_window_counts",
            ),
        ),
    ]

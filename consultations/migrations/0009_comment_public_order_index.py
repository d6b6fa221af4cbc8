from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0008_commentwindow_version"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["window", "-published_at", "-created_at"], name="comment_public_order"
            ),
        ),
    ]

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("journal", "0003_plans_homework_files"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="school",
            name="homework_entry_days",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="0 — в день урока.",
                verbose_name="срок записи домашнего задания, дней"),
        ),
        migrations.AddField(
            model_name="school",
            name="homework_hours_after_classes",
            field=models.PositiveSmallIntegerField(
                default=1, validators=[django.core.validators.MaxValueValidator(12)],
                verbose_name="задание, выданное накануне сдачи: записать не позднее, часов "
                             "после окончания уроков"),
        ),
        migrations.CreateModel(
            name="SaveReceipt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("key", models.CharField(max_length=64)),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "квитанция сохранения",
                "verbose_name_plural": "квитанции сохранений",
                "constraints": [models.UniqueConstraint(fields=("user", "key"),
                                                        name="unique_save_key")],
            },
        ),
    ]

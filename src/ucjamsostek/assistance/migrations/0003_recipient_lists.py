"""Recipient lists (tahap): a later list of a programme adds to the earlier ones."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0002_seed_programmes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RecipientList",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveSmallIntegerField(verbose_name="tahap")),
                ("source_name", models.CharField(blank=True, max_length=255, verbose_name="berkas asal")),
                ("sha256", models.CharField(blank=True, max_length=64, verbose_name="SHA-256 berkas")),
                ("lines", models.PositiveIntegerField(default=0, verbose_name="baris")),
                (
                    "imported_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="diimpor"),
                ),
                (
                    "imported_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="diimpor oleh",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lists",
                        to="assistance.assistanceprogramme",
                        verbose_name="program",
                    ),
                ),
            ],
            options={
                "verbose_name": "daftar penerima",
                "verbose_name_plural": "daftar penerima",
                "ordering": ["programme", "number"],
                "constraints": [
                    models.UniqueConstraint(fields=("programme", "number"), name="assistance_list_number_unique")
                ],
            },
        ),
        migrations.RemoveConstraint(model_name="recipient", name="assistance_line_unique"),
        migrations.AddField(
            model_name="recipient",
            name="batch",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="recipients",
                to="assistance.recipientlist",
                verbose_name="daftar (tahap)",
            ),
        ),
    ]

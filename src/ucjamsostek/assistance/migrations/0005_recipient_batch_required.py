import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assistance", "0004_existing_recipients_are_tahap_1")]

    operations = [
        migrations.AlterField(
            model_name="recipient",
            name="batch",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="recipients",
                to="assistance.recipientlist",
                verbose_name="daftar (tahap)",
            ),
        ),
        migrations.AlterModelOptions(
            name="recipient",
            options={
                "ordering": ["programme", "batch", "line"],
                "verbose_name": "penerima bantuan",
                "verbose_name_plural": "penerima bantuan",
            },
        ),
        migrations.AddConstraint(
            model_name="recipient",
            constraint=models.UniqueConstraint(fields=("batch", "line"), name="assistance_batch_line_unique"),
        ),
    ]

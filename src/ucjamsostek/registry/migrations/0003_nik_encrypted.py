# NIK encrypted at rest (ucjamsostek.nikcrypt): the column widened to the stored form, then the
# existing clear values encrypted under the key in use, in chunks.

from django.db import migrations

import ucjamsostek.nikcrypt


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_seed_master_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="nik",
            field=ucjamsostek.nikcrypt.NIKField(max_length=64, unique=True, verbose_name="NIK"),
        ),
        ucjamsostek.nikcrypt.encrypt_columns_operation("registry.Person", "nik"),
    ]

# NIK encrypted at rest (ucjamsostek.nikcrypt): the column widened to the stored form, then the
# existing clear values encrypted under the key in use, in chunks.

from django.db import migrations

import ucjamsostek.nikcrypt


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0002_verifier_flags'),
    ]

    operations = [
        migrations.AlterField(
            model_name='claim',
            name='nik',
            field=ucjamsostek.nikcrypt.NIKField(db_index=True, max_length=64, verbose_name='NIK'),
        ),
        ucjamsostek.nikcrypt.encrypt_columns_operation("claims.Claim", "nik"),
    ]

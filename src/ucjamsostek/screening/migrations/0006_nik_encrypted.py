# NIK encrypted at rest (ucjamsostek.nikcrypt): the column widened to the stored form, then the
# existing clear values encrypted under the key in use, in chunks.

from django.db import migrations

import ucjamsostek.nikcrypt


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0005_tiered_verification'),
    ]

    operations = [
        migrations.AlterField(
            model_name='nomination',
            name='nik',
            field=ucjamsostek.nikcrypt.NIKField(blank=True, db_index=True, default='', max_length=128, verbose_name='NIK'),
        ),
        migrations.AlterField(
            model_name='nomination',
            name='nik_raw',
            field=ucjamsostek.nikcrypt.NIKField(blank=True, default='', max_length=160, verbose_name='NIK asli'),
        ),
        migrations.AlterField(
            model_name='referenceentry',
            name='nik',
            field=ucjamsostek.nikcrypt.NIKField(db_index=True, max_length=64, verbose_name='NIK'),
        ),
        migrations.AlterField(
            model_name='reviewdecision',
            name='key',
            field=ucjamsostek.nikcrypt.NIKField(db_index=True, max_length=400, verbose_name='kunci'),
        ),
        ucjamsostek.nikcrypt.encrypt_columns_operation("screening.Nomination", "nik", "nik_raw"),
        ucjamsostek.nikcrypt.encrypt_columns_operation("screening.ReferenceEntry", "nik"),
        ucjamsostek.nikcrypt.encrypt_columns_operation("screening.ReviewDecision", "key"),
    ]

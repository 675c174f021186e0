# NIK encrypted at rest (ucjamsostek.nikcrypt): the column widened to the stored form, then the
# existing clear values encrypted under the key in use, in chunks.

from django.db import migrations

import ucjamsostek.nikcrypt


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0003_credit_and_lapse'),
    ]

    operations = [
        migrations.AlterField(
            model_name='invoiceline',
            name='nik',
            field=ucjamsostek.nikcrypt.NIKField(db_index=True, max_length=64, verbose_name='NIK'),
        ),
        ucjamsostek.nikcrypt.encrypt_columns_operation("billing.InvoiceLine", "nik"),
    ]

from django.db import migrations


def seed(apps, schema_editor):
    from ucjamsostek.registry.masterdata import seed as seed_lists

    seed_lists(
        apps.get_model("registry", "Segment"),
        apps.get_model("registry", "Funder"),
        apps.get_model("registry", "Occupation"),
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

from django.db import migrations


def seed(apps, schema_editor):
    from ucjamsostek.core.assistance import default_programmes, programme_record

    Programme = apps.get_model("assistance", "AssistanceProgramme")
    for p in default_programmes():
        fields = programme_record(p)
        Programme.objects.update_or_create(code=fields.pop("code"), defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

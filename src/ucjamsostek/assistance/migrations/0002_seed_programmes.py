from django.db import migrations


def seed(apps, schema_editor):
    from ucjamsostek.core.assistance import default_programmes

    Programme = apps.get_model("assistance", "AssistanceProgramme")
    for p in default_programmes():
        Programme.objects.update_or_create(
            code=p.code,
            defaults={
                "name": p.name,
                "amount_per_month": p.amount_per_month,
                "months": p.months,
                "category": p.category or "",
                "active_on": p.active_on,
                "max_wage": p.max_wage,
                "excluded_lists": ";".join(p.excluded_lists),
                "legal_basis": p.legal_basis,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

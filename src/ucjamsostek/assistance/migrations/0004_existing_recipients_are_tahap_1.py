"""Each programme's recipients imported before lists existed become its list 1 (tahap 1)."""

from django.db import migrations
from django.db.models import Count, Max, Min


def forwards(apps, schema_editor):
    Recipient = apps.get_model("assistance", "Recipient")
    RecipientList = apps.get_model("assistance", "RecipientList")
    per_programme = (
        Recipient.objects.values("programme_id")
        .annotate(n=Count("pk"), source=Max("source_name"), at=Min("imported_at"))
        .order_by("programme_id")
    )
    for p in per_programme:
        first = Recipient.objects.filter(programme_id=p["programme_id"]).order_by("pk").first()
        batch = RecipientList.objects.create(
            programme_id=p["programme_id"],
            number=1,
            source_name=p["source"] or "",
            lines=p["n"],
            imported_at=p["at"],
            imported_by_id=first.imported_by_id if first else None,
        )
        Recipient.objects.filter(programme_id=p["programme_id"]).update(batch=batch)


class Migration(migrations.Migration):
    dependencies = [("assistance", "0003_recipient_lists")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""A batch's counts are those of the final decisions after review (``models.final_status``): the
batches reviewed before the counts followed the decisions are counted again. The screening-time
counts stay in each batch's ``summary``."""

from django.db import migrations
from django.db.models import CharField, Count, F, Value
from django.db.models.functions import Coalesce, NullIf


def recount(apps, schema_editor):
    Nomination = apps.get_model("screening", "Nomination")
    NominationBatch = apps.get_model("screening", "NominationBatch")
    reviewed = Nomination.objects.exclude(reviewed_status="").values_list("batch_id", flat=True).distinct()
    final = Coalesce(NullIf(F("reviewed_status"), Value("")), F("status"), output_field=CharField())
    for batch_id in list(reviewed):
        rows = (
            Nomination.objects.filter(batch_id=batch_id)
            .annotate(final=final)
            .values_list("final")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts = dict(rows)
        NominationBatch.objects.filter(pk=batch_id).update(
            eligible_count=counts.get("eligible", 0),
            review_count=counts.get("review", 0),
            rejected_count=counts.get("rejected", 0),
        )


class Migration(migrations.Migration):
    dependencies = [("screening", "0002_review_labels")]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]

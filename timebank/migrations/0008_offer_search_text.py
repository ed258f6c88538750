from django.db import migrations, models

from timebank.search import offer_search_text


def fold_existing_offers(apps, schema_editor):
    """The posts already on the board are found by the new search too."""
    Offer = apps.get_model("timebank", "Offer")
    batch = []
    for offer in Offer.objects.only("title", "description").iterator(chunk_size=2000):
        offer.search_text = offer_search_text(offer.title, offer.description)
        batch.append(offer)
        if len(batch) == 2000:
            Offer.objects.bulk_update(batch, ["search_text"])
            batch = []
    Offer.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("timebank", "0007_request_cancelled_by_closing"),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fold_existing_offers, migrations.RunPython.noop),
    ]

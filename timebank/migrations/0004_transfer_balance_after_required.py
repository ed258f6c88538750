"""The balances after each transfer are required from now on; the reversals get an index of their own."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("timebank", "0003_transfer_balance_after"),
    ]

    operations = [
        migrations.AlterField(
            model_name="transfer",
            name="payer_balance_after",
            field=models.BigIntegerField(editable=False),
        ),
        migrations.AlterField(
            model_name="transfer",
            name="payee_balance_after",
            field=models.BigIntegerField(editable=False),
        ),
        migrations.AddIndex(
            model_name="transfer",
            index=models.Index(
                condition=models.Q(reverses__isnull=False), fields=["reverses"], name="timebank_transfer_reversals"
            ),
        ),
    ]

"""Each transfer keeps both sides' balance after it; the rows already written get theirs here.

Nullable at first, filled, then made required in 0004, in a transaction of its own: PostgreSQL
may refuse to ALTER a table that the same transaction has just updated (pending trigger events).
"""

from collections import defaultdict

from django.db import migrations, models

CHUNK = 2000


def fill_balances_after(Transfer, using: str = "default") -> int:
    """Walk the ledger once in pk order with a running balance per account; returns the rows written.

    pk order is the order the balances changed in (a transfer gets its pk under the accounts'
    locks), and an account starts at zero and moves only by its transfers. Read in chunks by pk
    and written with one parameterised UPDATE per row (``executemany``), so memory and time grow
    with the ledger, not with its square as a CASE per chunk would.
    """
    from django.db import connections

    connection = connections[using]
    table = connection.ops.quote_name(Transfer._meta.db_table)
    update = (
        f"UPDATE {table} SET {connection.ops.quote_name('payer_balance_after')} = %s, "
        f"{connection.ops.quote_name('payee_balance_after')} = %s WHERE {connection.ops.quote_name('id')} = %s"
    )
    running: defaultdict[int, int] = defaultdict(int)
    last, written = 0, 0
    while True:
        rows = list(
            Transfer.objects.using(using)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "payer_id", "payee_id", "minutes")[:CHUNK]
        )
        if not rows:
            return written
        params = []
        for pk, payer, payee, minutes in rows:
            running[payer] -= minutes
            running[payee] += minutes
            params.append((running[payer], running[payee], pk))
        with connection.cursor() as cursor:
            cursor.executemany(update, params)
        last, written = rows[-1][0], written + len(rows)


def fill(apps, schema_editor):
    fill_balances_after(apps.get_model("timebank", "Transfer"), schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("timebank", "0002_offers_exchange_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="transfer",
            name="payer_balance_after",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="transfer",
            name="payee_balance_after",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]

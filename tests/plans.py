"""What SQLite's planner does with a query (its index choices), for tests that need an index to be used."""

from django.db import connection


def sqlite_plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return " ".join(str(row[-1]) for row in cursor.fetchall())

"""Set-based writes for imports of thousands of rows.

`QuerySet.bulk_update` builds one CASE expression per field and row; past a few thousand rows it
spends seconds in the ORM. `update_rows` sends one parameterised UPDATE through `executemany`,
which both SQLite and PostgreSQL run at tens of thousands of rows per second.
"""

from collections.abc import Iterable, Sequence

from django.db import connections, router


def update_rows(model, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """UPDATE <table> SET field = value, … WHERE pk = id for each (value, …, id) row; returns
    the number of rows changed.

    Values are Python values as for the field (ids for foreign keys); each goes through the
    field's `get_db_prep_save`. `save()`, signals and `pre_save` do not run (no auto_now, no
    derived digests): only use it for columns that nothing derives from.
    """
    connection = connections[router.db_for_write(model)]
    model_fields = [model._meta.get_field(name) for name in [*fields, model._meta.pk.name]]
    prepared = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(model_fields, row, strict=True)
        ]
        for row in rows
    ]
    if not prepared:
        return 0
    quote = connection.ops.quote_name
    columns = [field.column for field in model_fields[:-1]]
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    # Only quoted identifiers from the model's own metadata are interpolated; values are bound.
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)
        return cursor.rowcount


def refresh_planner_statistics(*models) -> None:
    """After a bulk write of many rows, let the query planner see them at once.

    PostgreSQL plans from its statistics, which autovacuum refreshes only some time after a
    load: until then it thought a county of a million residents held two thousand, and the
    village's residents list took 170 ms instead of 2 (a bitmap over the whole county's index).
    ANALYZE samples each table (a second for a million rows). SQLite's `PRAGMA optimize` does
    the same where its own statistics have gone stale."""
    connection = connections[router.db_for_write(models[0])]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            tables = ", ".join(quote(model._meta.db_table) for model in models)
            cursor.execute(f"ANALYZE {tables}")  # names from the models' own metadata
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")

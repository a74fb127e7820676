"""SQL text built from values DuckDB takes only as literals: the paths of files and databases."""


def sql_escape(value: object) -> str:
    """``value`` ready to sit between single quotes in SQL: every ``'`` doubled.

    ``attach``, ``copy ... to`` and the file arguments of ``read_json_objects``/``read_parquet``
    take paths as string literals, not as statement parameters, so a path with a quote in it (a
    folder named ``it's``) would end the literal early: a syntax error, or other SQL. Every path
    written into SQL goes through here, the only place the quoting rule is written.
    """
    return str(value).replace("'", "''")

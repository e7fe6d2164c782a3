"""Models read and rows written with hand-written SQL, for the few queries every quiz request runs.

Building and compiling an ORM query costs about a millisecond of CPU per query, several times the query itself;
the student's quiz loop runs six of them per answer. These helpers keep the ORM's results (model instances,
values converted by each field's own converters, the same prefetch caches) without building queries. The SQL
they take must run on SQLite and PostgreSQL alike: double-quoted names, %s placeholders, no vendor functions.

On PostgreSQL their statements are also prepared (unless DB_PREPARED_STATEMENTS=0, see settings): each connection
parses and plans a statement once, then sends only its name and parameters; planning the attempt's joined select
cost PostgreSQL more than running it. Only these statements are prepared: the ORM's cursors bind parameters on the
client, which never prepares.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model, QuerySet, signals
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute


@cache
def columns(model: type[Model], alias: str) -> str:
    """The model's columns, in field order, for a SELECT list: 'alias."col", ...'."""
    return ", ".join(f'{alias}."{f.column}"' for f in model._meta.concrete_fields)


def table(model: type[Model]) -> str:
    return f'"{model._meta.db_table}"'


@cache
def _converters(model: type[Model], vendor: str, names: tuple[str, ...] | None = None) -> tuple[tuple, ...]:
    """(column index, column, converter) for each converter the ORM applies to the model's values: of every
    concrete field in order, or of the named fields in the order named."""
    fields = model._meta.concrete_fields if names is None else [model._meta.get_field(name) for name in names]
    found = []
    for n, field in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        found += [
            (n, col, convert) for convert in connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        ]
    return tuple(found)


def build(model: type[Model], row: Sequence, start: int = 0, db=None) -> Model:
    """The model instance whose columns (as listed by columns()) begin at row[start], as from_db would make it."""
    db = db or connections[DEFAULT_DB_ALIAS]
    values = list(row[start : start + width(model)])
    for n, col, convert in _converters(model, db.vendor):
        values[n] = convert(values[n], col, db)
    attnames, plain = _construction(model)
    if not plain:
        return model.from_db(db.alias, None, values)
    # What Model.__init__ does for a full row of values, without its per-field setattr calls and empty signals.
    instance = model.__new__(model)
    instance.__dict__.update(zip(attnames, values, strict=True))
    state = instance._state = ModelState()
    state.adding = False
    state.db = db.alias
    return instance


@cache
def _construction(model: type[Model]) -> tuple[tuple[str, ...], bool]:
    """The attribute names a row's values go to, and whether an instance may be made by filling them in: true
    unless the model overrides from_db or __init__, something listens to its init signals, or a field is stored
    through a descriptor other than Django's plain and foreign key ones. Kept per process: receivers of init
    signals must connect when apps load, as Django's own do, not after the first query."""
    attnames = tuple(f.attname for f in model._meta.concrete_fields)
    plain = (
        model.from_db.__func__ is Model.from_db.__func__
        and model.__init__ is Model.__init__
        and not signals.pre_init.has_listeners(model)
        and not signals.post_init.has_listeners(model)
        and all(type(model.__dict__.get(name)) in _PLAIN_DESCRIPTORS for name in attnames)
    )
    return attnames, plain


_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)


def build_values(model: type[Model], names: Sequence[str], row: Sequence) -> list:
    """Values of the named fields read from a row in that order, converted as the ORM converts them."""
    values = list(row)
    for n, col, convert in _converters(model, connection.vendor, tuple(names)):
        values[n] = convert(values[n], col, connection)
    return values


@cache
def _pk_index(model: type[Model]) -> int:
    return model._meta.concrete_fields.index(model._meta.pk)


def width(model: type[Model]) -> int:
    """How many columns columns(model) lists."""
    return len(model._meta.concrete_fields)


def cursor():
    """A cursor for hand-written SQL: Django's own, or on PostgreSQL with prepared statements configured (the
    connection's prepare_threshold, see settings) one that binds on the server and so prepares, wrapped as Django
    wraps its cursors (errors translated, queries logged and counted in tests)."""
    if connection.vendor != "postgresql" or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = ServerBindingCursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


def fetch(sql: str, params: Sequence = ()) -> list[tuple]:
    with cursor() as cursor_:
        cursor_.execute(sql, params)
        return cursor_.fetchall()


def select(
    model: type[Model],
    where: str,
    params: Sequence = (),
    *,
    related: Sequence[str] = (),
    order: str = "",
    lock: bool = False,
) -> list:
    """Instances of one model: SELECT its columns FROM its table t WHERE where [ORDER BY order] [FOR UPDATE].

    related names required foreign keys to load with each instance, as select_related does: "assignment",
    "assignment__quiz_set". Each joined table's alias is its path with "__" as "_" (assignment_quiz_set), for
    where and order to use; t's own columns must then be written t."column"."""
    sql = f"{select_sql(model, related)} WHERE {where}"
    if order:
        sql += f" ORDER BY {order}"
    if lock:
        sql += for_update() + (" OF t" if related and for_update() else "")  # lock t's rows, not the joined ones
    shared: dict = {}  # one instance per joined row: the assignments of one class share their class
    db = connections[DEFAULT_DB_ALIAS]
    return [build_related(model, related, row, shared, db) for row in fetch(sql, params)]


def select_sql(model: type[Model], related: Sequence[str] = (), extra: Sequence[str] = ()) -> str:
    """select()'s 'SELECT ... FROM ... JOIN ...', with extra columns after the models' (for the caller to read
    from the end of each row) and room for more joins and a WHERE."""
    select_from, _ = _select_from(model, tuple(related), tuple(extra))
    return select_from


def build_related(
    model: type[Model], related: Sequence[str], row: Sequence, shared: dict | None = None, db=None
) -> Model:
    """The instance, with its related rows cached on it, from a row of select_sql(model, related). With shared
    (a dict kept across the rows of one query), rows that join the same related row share one instance."""
    _, joined = _select_from(model, tuple(related), ())
    db = db or connections[DEFAULT_DB_ALIAS]
    objects = {"": build(model, row, db=db)}
    start = width(model)
    for path, _, field in joined:
        key = (path, row[start + _pk_index(field.related_model)])
        if shared is None or key not in shared:
            found = build(field.related_model, row, start, db)
            if shared is not None:
                shared[key] = found
        objects[path] = found if shared is None else shared[key]
        start += width(field.related_model)
        field.set_cached_value(objects[path.rpartition("__")[0]], objects[path])
    return objects[""]


@cache
def _select_from(model: type[Model], related: tuple[str, ...], extra: tuple[str, ...]) -> tuple[str, tuple]:
    """'SELECT ... FROM ... JOIN ...' for select(), and the joined (path, alias, field) in column order."""
    joined: list[tuple[str, str, object]] = []
    joins = []
    for path in sorted(related, key=lambda p: p.count("__")):
        parent, _, name = path.rpartition("__")
        parent_model = next(f.related_model for p, _, f in joined if p == parent) if parent else model
        parent_alias = parent.replace("__", "_") if parent else "t"
        field = parent_model._meta.get_field(name)
        alias = path.replace("__", "_")
        joins.append(
            f' JOIN {table(field.related_model)} {alias} ON {alias}."{field.target_field.column}" = '
            f'{parent_alias}."{field.column}"'
        )
        joined.append((path, alias, field))
    select_list = [columns(model, "t")] + [columns(f.related_model, alias) for _, alias, f in joined]
    return f"SELECT {', '.join(select_list + list(extra))} FROM {table(model)} t{''.join(joins)}", tuple(joined)


def placeholders(values: Sequence) -> str:
    """'%s, %s, ...' for an IN list of these values."""
    return ", ".join(["%s"] * len(values))


def cache_related(instance: Model, name: str, related: Model) -> None:
    """What select_related does: the forward relation `name` is read from memory from now on."""
    instance._meta.get_field(name).set_cached_value(instance, related)


def order_by(model: type[Model], alias: str) -> str:
    """The model's Meta.ordering as an ORDER BY list (plain field names, '-' for descending)."""
    terms = []
    for name in model._meta.ordering:
        descending = name.startswith("-")
        column = model._meta.get_field(name.lstrip("-")).column
        terms.append(f'{alias}."{column}"{" DESC" if descending else ""}')
    return ", ".join(terms) or f'{alias}."{model._meta.pk.column}"'


def prefetch_children(parents: Iterable[Model], relation: str, *, select_related: Sequence[str] = ()) -> None:
    """What prefetch_related(relation) does for a one-to-many relation, in one query of hand-written SQL;
    select_related names the children's required foreign keys to load with them."""
    parents = [p for p in parents if relation not in getattr(p, "_prefetched_objects_cache", {})]
    if not parents:
        return
    remote = type(parents[0])._meta.get_field(relation)
    child, fk = remote.related_model, remote.field
    by_parent: dict[object, list[Model]] = defaultdict(list)
    for item in select(
        child,
        f't."{fk.column}" IN ({placeholders(parents)})',
        [p.pk for p in parents],
        related=select_related,
        order=order_by(child, "t"),
    ):
        by_parent[getattr(item, fk.attname)].append(item)
    for parent in parents:
        items = by_parent.get(parent.pk, [])
        for item in items:
            fk.set_cached_value(item, parent)
        done = QuerySet(model=child)
        done._result_cache = items
        done._prefetch_done = True
        if not hasattr(parent, "_prefetched_objects_cache"):
            parent._prefetched_objects_cache = {}
        parent._prefetched_objects_cache[remote.cache_name] = done


def update_fields(model: type[Model], pk, values: dict, *, where: str = "", params: Sequence = ()) -> int:
    """UPDATE one row's fields, each value prepared by its field as a save would, when `where` (more conditions,
    starting with AND) also holds; the number of rows changed (0 or 1)."""
    fields = [model._meta.get_field(name) for name in values]
    assignments = ", ".join(f'"{f.column}" = %s' for f in fields)
    prepared = [f.get_db_prep_save(values[f.name], connection) for f in fields]
    with cursor() as cursor_:
        cursor_.execute(
            f'UPDATE {table(model)} SET {assignments} WHERE "{model._meta.pk.column}" = %s{where}',
            [*prepared, pk, *params],
        )
        return cursor_.rowcount


def for_update() -> str:
    """' FOR UPDATE' where the database locks rows (PostgreSQL); SQLite's write transaction already locks."""
    return " FOR UPDATE" if connection.features.has_select_for_update else ""

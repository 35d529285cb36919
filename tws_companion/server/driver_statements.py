"""Core statements compiled once per database dialect and run on the driver's own cursor.

Running a Core statement through SQLAlchemy costs 50-80 µs of CPU here (its cache key, the
parameters, the result's set-up) where the driver itself takes 5-20 µs. The statements of the
step every login ends with (``respond``) run through :class:`DriverStatement` instead: the SQL is
the one SQLAlchemy compiles for the dialect (its parameter style, its casts), and the values go
through the same conversions SQLAlchemy applies (each type's bind and result processors, e.g. a
``datetime`` stored as text on SQLite), so what is written and read is what SQLAlchemy would
write and read. A driver error is raised as SQLAlchemy's (``sqlalchemy.exc.DBAPIError``
subclasses), without its parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import class_mapper
from sqlalchemy.sql import ClauseElement, ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]
M = TypeVar("M")


class _Compiled:
    """One statement as one dialect runs it."""

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        # Only the parameters the SQL holds (an unrendered one may linger in ``binds``).
        binds = {
            name: bind
            for name, bind in compiled.binds.items()
            if (compiled.positional and name in (compiled.positiontup or ()))
            or f"%({name})s" in self.sql
            or f":{name}" in self.sql
        }
        #: Positional dialects (SQLite's ``?``) take a tuple in this order; others a mapping.
        self.order: tuple[str, ...] | None = (
            tuple(compiled.positiontup or ()) if compiled.positional else None
        )
        #: Values fixed in the statement (``version + 1``), by parameter name.
        self.fixed = {
            name: bind.effective_value for name, bind in binds.items() if not bind.required
        }
        self.bind_processors: dict[str, Processor] = {}
        for name, bind in binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.bind_processors[name] = processor
        #: Result processors, made from the first result's description (None: not yet).
        self.result_processors: list[Processor | None] | None = None

    def parameters(self, values: dict[str, Any]) -> Sequence[Any] | dict[str, Any]:
        merged = {**self.fixed, **values} if self.fixed else values
        for name, processor in self.bind_processors.items():
            merged[name] = processor(merged[name])
        if self.order is None:
            return merged
        return tuple(merged[name] for name in self.order)


class DriverStatement:
    """A Core statement, compiled once per dialect, run on the driver's cursor of a SQLAlchemy
    ``Connection`` (inside its transaction). ``binary``: with PostgreSQL, results come in the
    binary protocol (a ``bytea`` as it is, not as hex text parsed back into bytes: half the bytes
    on the wire and no parsing, for a statement reading large values)."""

    def __init__(self, statement: ClauseElement, *, binary: bool = False) -> None:
        self.statement = statement
        self.binary = binary
        self._compiled: dict[str, _Compiled] = {}
        columns: Sequence[ColumnElement[Any]] = getattr(statement, "selected_columns", ())
        #: The columns a row holds, in order (a ``SELECT``'s).
        self.columns: tuple[ColumnElement[Any], ...] = tuple(columns)

    def _for(self, dialect: Dialect) -> _Compiled:
        key = f"{dialect.name}+{dialect.driver}"
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _Compiled(self.statement, dialect)
        return compiled

    def _run(self, connection: Connection, values: dict[str, Any]) -> tuple[_Compiled, Any]:
        dialect = connection.dialect
        compiled = self._for(dialect)
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        options = {"binary": True} if self.binary and dialect.name == "postgresql" else {}
        try:
            cursor.execute(compiled.sql, compiled.parameters(values), **options)
        except dialect.loaded_dbapi.Error as exc:
            cursor.close()
            raise DBAPIError.instance(
                compiled.sql,
                None,
                exc,
                dialect.loaded_dbapi.Error,
                hide_parameters=True,
                dialect=dialect,
            ) from exc
        return compiled, cursor

    def rowcount(self, connection: Connection, **values: Any) -> int:
        """Run the statement; how many rows it wrote."""
        _compiled, cursor = self._run(connection, values)
        try:
            count: int = cursor.rowcount
        finally:
            cursor.close()
        return count

    def first(self, connection: Connection, **values: Any) -> list[Any] | None:
        """Run the statement; its first row (the values in the order of :attr:`columns`), or
        None."""
        rows = self._rows(connection, values, one=True)
        return rows[0] if rows else None

    def all(self, connection: Connection, **values: Any) -> list[list[Any]]:
        """Run the statement; all its rows (each as :meth:`first` gives one)."""
        return self._rows(connection, values, one=False)

    def _rows(self, connection: Connection, values: dict[str, Any], one: bool) -> list[list[Any]]:
        compiled, cursor = self._run(connection, values)
        try:
            if one:
                row = cursor.fetchone()
                fetched = [] if row is None else [row]
            else:
                fetched = cursor.fetchall()
            if not fetched:
                return []
            processors = compiled.result_processors
            if processors is None:
                dialect = connection.dialect
                processors = compiled.result_processors = [
                    column.type.dialect_impl(dialect).result_processor(dialect, described[1])
                    for column, described in zip(self.columns, cursor.description, strict=True)
                ]
        finally:
            cursor.close()
        return [
            [
                value if processor is None else processor(value)
                for processor, value in zip(processors, row, strict=True)
            ]
            for row in fetched
        ]


def detached(model: type[M], keys: Sequence[str], values: Sequence[Any]) -> M:
    """An object of the mapped class ``model`` in no session holding ``values`` (a row's columns,
    named by ``keys``), made as the ORM's loader makes one: the values go straight into its
    ``__dict__``, without the attribute events of the constructor (which take ten times as long).
    ``class_mapper`` configures the mappers first if nothing has yet in this process."""
    instance: M = class_mapper(model).class_manager.new_instance()
    instance.__dict__.update(zip(keys, values, strict=True))
    return instance

"""Plain fields read without graphql-core's per-field machinery.

When nothing wraps resolvers (no middleware: no schema extension with a per-field `resolve`
hook), a plain field (`service.http.plain_fields`) is read from its attribute: a leaf is coerced
here directly instead of through `execute_field`, a resolve info, the resolver wrapper and
`complete_value`; an object's sub-fields, and each object's of a list, are executed on it
directly. The answer is the same: any value this shortcut would not complete (null for a
non-null type, a coercion that fails or returns null, a value of another type) goes the ordinary
way, which raises and locates the error as before; errors below are handled as
`execute_field` and `complete_list_item_value` handle them.

A page of 50 employees is 50 edges with a cursor and a node of 7 scalar fields each.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, cast

from graphql import GraphQLObjectType, Undefined
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from service.http.plain_fields import How, Listed, Nested, Plain, plain_fields

_MISSING = object()


class FastFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, with plain leaf fields completed in one step and plain
    object fields (an edge's `node`) read without a resolver."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The types this operation met (a plain dict: cheaper to ask than the weak one).
        self._plain: dict[GraphQLObjectType, dict[str, How | None]] = {}
        # A schema extension with a per-field `resolve` hook wraps every resolver: none skipped.
        manager = self.middleware_manager
        self._wrapped = manager is not None and bool(manager.middlewares)

    def _plain_of(self, parent_type: GraphQLObjectType) -> dict[str, How | None]:
        plain = self._plain.get(parent_type)
        if plain is None:
            plain = self._plain[parent_type] = plain_fields(parent_type)
        return plain

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        if self._wrapped:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        plain = self._plain_of(parent_type)
        ordinary: GroupedFieldSet = {}
        results: dict[str, Any] = {}
        waiting: list[str] = []
        try:
            for response_name, details in grouped_field_set.items():
                node = details[0].node
                how = None if node.arguments else plain.get(node.name.value)
                if how is None:
                    value: Any = _MISSING
                elif type(how) is tuple:
                    value = _complete(how, source_value)  # type: ignore[arg-type]
                else:
                    field_path = Path(path, response_name, parent_type.name)
                    value = self._object(how, source_value, field_path, details, position_context)
                    if value is not _MISSING and _pending(value):
                        waiting.append(response_name)
                results[response_name] = value
                if value is _MISSING:
                    ordinary[response_name] = details
        except Exception:
            self._settle(results, waiting)
            raise
        if not ordinary and not waiting:
            return results
        return self._merge(
            results, waiting, (parent_type, source_value, path, ordinary), position_context
        )

    def _object(
        self,
        how: How,
        source: Any,
        path: Path,
        details: FieldDetailsList,
        position_context: Any,
    ) -> Any:
        if type(how) is Listed:
            return self._listed(how, source, path, details, position_context)
        return self._nested(how, source, path, details, position_context)  # type: ignore[arg-type]

    def _listed(
        self,
        how: Listed,
        source: Any,
        path: Path,
        details: FieldDetailsList,
        position_context: Any,
    ) -> Any:
        """A plain list of objects: each item's sub-fields executed on it (no `@stream`)."""
        items = how.getter(source, how.attribute)
        if type(items) is not list or details[0].node.directives:
            return _MISSING
        if not all(item is not None and how.is_type_of(item) for item in items):
            return _MISSING
        grouped, defers, _forbidden = self.collect_subfields(how.object_type, details)
        if defers:
            return _MISSING
        try:
            completed = self._items(how, items, path, (details, grouped), position_context)
        except Exception as raw:
            self.handle_field_error(raw, how.return_type, details, path)
            return None
        return completed

    def _items(
        self,
        how: Listed,
        items: list[Any],
        path: Path,
        fields: tuple[FieldDetailsList, GroupedFieldSet],
        position_context: Any,
    ) -> Any:
        """The items as `complete_list_item_value` completes them, awaited together."""
        details = fields[0]
        completed: list[Any] = []
        waiting: list[int] = []
        try:
            for index, item in enumerate(items):
                item_path = path.add_key(index, None)
                value = self._item(how, item, item_path, fields, position_context)
                if _pending(value):
                    waiting.append(index)
                    value = self._guarded(value, how.item_type, details, item_path)
                completed.append(value)
        except Exception:
            if waiting:
                self.settle_in_background([completed[index] for index in waiting])
            raise
        if not waiting:
            return completed
        return self._guarded(_gathered_items(completed, waiting), how.return_type, details, path)

    def _item(
        self,
        how: Listed,
        item: Any,
        path: Path,
        fields: tuple[FieldDetailsList, GroupedFieldSet],
        position_context: Any,
    ) -> Any:
        details, grouped = fields
        try:
            return self.execute_collected_subfields(
                how.object_type, item, path, grouped, (), position_context
            )
        except Exception as raw:
            self.handle_field_error(raw, how.item_type, details, path)
            return None

    def _nested(
        self,
        how: Nested,
        source: Any,
        path: Path,
        details: FieldDetailsList,
        position_context: Any,
    ) -> Any:
        """A plain object field: its sub-fields executed on the attribute's value, errors handled
        as graphql-core's `execute_field` handles them; `_MISSING` where it would do more."""
        value = how.getter(source, how.attribute)
        if value is None or value is Undefined or not how.is_type_of(value):
            return _MISSING
        grouped, defers, _forbidden = self.collect_subfields(how.object_type, details)
        if defers:
            return _MISSING
        try:
            completed = self.execute_collected_subfields(
                how.object_type, value, path, grouped, defers, position_context
            )
        except Exception as raw:
            self.handle_field_error(raw, how.return_type, details, path)
            return None
        if not _pending(completed):
            return completed
        return self._guarded(cast(Awaitable[Any], completed), how.return_type, details, path)

    async def _guarded(
        self, pending: Awaitable[Any], return_type: Any, details: FieldDetailsList, path: Path
    ) -> Any:
        try:
            return await pending
        except Exception as raw:
            self.handle_field_error(raw, return_type, details, path)
            return None

    def _settle(self, results: dict[str, Any], waiting: list[str]) -> None:
        """Pending sub-fields of an object an error abandons still run (graphql-core's way)."""
        if waiting:
            self.settle_in_background([results[name] for name in waiting])

    def _merge(
        self,
        results: dict[str, Any],
        waiting: list[str],
        others: tuple[GraphQLObjectType, Any, Path | None, GroupedFieldSet],
        position_context: Any,
    ) -> Any:
        """The other fields the ordinary way, and the pending ones awaited together, in the
        order the document asks for them all."""
        parent_type, source_value, path, ordinary = others
        rest: Any = {}
        if ordinary:
            try:
                rest = super().execute_fields(
                    parent_type, source_value, path, ordinary, position_context
                )
            except Exception:
                self._settle(results, waiting)
                raise
        if not waiting and not _pending(rest):
            return _ordered(results, rest)
        return self._gathered(results, waiting, rest)

    async def _gathered(self, results: dict[str, Any], waiting: list[str], rest: Any) -> Any:
        pending = [results[name] for name in waiting]
        if not pending:
            return _ordered(results, await rest)
        if _pending(rest):
            *done, rest = await gather_with_cancel(*pending, rest)
        else:
            done = await gather_with_cancel(*pending)
        results.update(zip(waiting, done, strict=True))
        return _ordered(results, rest)


async def _gathered_items(completed: list[Any], waiting: list[int]) -> list[Any]:
    done = await gather_with_cancel(*(completed[index] for index in waiting))
    for index, value in zip(waiting, done, strict=True):
        completed[index] = value
    return completed


def _pending(value: Any) -> bool:
    """Whether a completed object is still to be awaited (a dict when it is not)."""
    return type(value) is not dict and value is not None and isinstance(value, Awaitable)


def _complete(how: Plain, source: Any) -> Any:
    getter, attribute, coerce, nullable = how
    value = getter(source, attribute)
    if value is None or value is Undefined:
        return None if nullable else _MISSING
    try:
        coerced = coerce(value)
    except Exception:
        return _MISSING
    return _MISSING if coerced is None or coerced is Undefined else coerced


def _ordered(results: dict[str, Any], rest: dict[str, Any]) -> dict[str, Any]:
    for name, value in rest.items():
        results[name] = value
    # A field the ordinary way left out (Undefined) stays out, as graphql-core leaves it.
    return {name: value for name, value in results.items() if value is not _MISSING}

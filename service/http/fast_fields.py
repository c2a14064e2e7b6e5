"""Plain fields read without graphql-core's per-field machinery.

A Strawberry field without a resolver, extensions or exception handlers (Strawberry marks its
resolver `_is_default`) answers `getattr(source, python_name)`; when its type is a scalar or an
enum (or a non-null one) and nothing wraps resolvers (no middleware: no schema extension with a
per-field `resolve` hook), the value is coerced here directly instead of through
`execute_field`, a resolve info, the resolver wrapper and `complete_value`. The answer is the
same: any value this shortcut would not complete (null for a non-null type, a coercion that
fails or returns null) goes the ordinary way, which raises and locates the error as before.

A page of 50 employees with 7 scalar fields each is 350 such fields a request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any, NamedTuple, cast
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import CustomGraphQLEnumType

Coerce = Callable[[Any], Any]
# (getter, attribute, the leaf type's coercion, whether null is a legal answer) of a plain leaf.
Plain = tuple[Callable[[Any, str], Any], str, Coerce, bool]
_PLAIN: WeakKeyDictionary[GraphQLObjectType, dict[str, Plain | Nested | None]] = WeakKeyDictionary()
_MISSING = object()
_STRAWBERRY_IS_TYPE_OF = (
    "GraphQLCoreConverter.from_object.<locals>._get_is_type_of.<locals>.is_type_of"
)


class Nested(NamedTuple):
    """A plain field of an object type: the attribute, and the type's check of the value."""

    getter: Callable[[Any, str], Any]
    attribute: str
    object_type: GraphQLObjectType
    return_type: GraphQLOutputType
    is_type_of: Callable[[Any], bool]


def _plain(field: GraphQLField) -> Plain | Nested | None:
    """How to read `field` directly, or None when it must go through its resolver."""
    if not getattr(field.resolve, "_is_default", False):
        return None
    definition = (field.extensions or {}).get("strawberry-definition")
    nullable = not isinstance(field.type, GraphQLNonNull)
    inner = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if definition is None:
        return None
    getter, attribute = definition.default_resolver, definition.python_name
    if isinstance(inner, GraphQLObjectType):
        check = _type_check(inner)
        return None if check is None else Nested(getter, attribute, inner, field.type, check)
    if not isinstance(inner, GraphQLScalarType | GraphQLEnumType):
        return None
    return getter, attribute, _coercion(inner), nullable


def _type_check(object_type: GraphQLObjectType) -> Callable[[Any], bool] | None:
    """The type's `is_type_of` when it needs no resolve info (none, or the one Strawberry
    writes, which reads only the value); None for any other (the ordinary way calls it)."""
    check = object_type.is_type_of
    if check is None:
        return _always
    if getattr(check, "__qualname__", "") != _STRAWBERRY_IS_TYPE_OF:
        return None
    return lambda value: bool(check(value, None))  # type: ignore[arg-type]


def _always(value: Any) -> bool:
    return True


def _coercion(leaf: GraphQLScalarType | GraphQLEnumType) -> Coerce:
    """The leaf type's `coerce_output_value`; for an enum of Strawberry's, a lookup of the name
    its loop over the values finds for a member (any other value still goes through it)."""
    wrapped = getattr(leaf, "wrapped_cls", None)
    if not isinstance(leaf, CustomGraphQLEnumType) or wrapped is None:
        return leaf.coerce_output_value
    names: dict[Any, str] = {}
    general = leaf.coerce_output_value
    for member in wrapped:
        with suppress(Exception):  # a member without a value: the general way raises for it
            names.setdefault(member, general(member))

    def coerce(value: Any) -> Any:
        return names[value] if type(value) is wrapped else general(value)

    return coerce


def plain_fields(parent_type: GraphQLObjectType) -> dict[str, Plain | Nested | None]:
    """The plain fields of a type, by field name (computed once per type)."""
    found = _PLAIN.get(parent_type)
    if found is None:
        found = {name: _plain(field) for name, field in parent_type.fields.items()}
        _PLAIN[parent_type] = found
    return found


class FastFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, with plain leaf fields completed in one step and plain
    object fields (an edge's `node`) read without a resolver."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The types this operation met (a plain dict: cheaper to ask than the weak one).
        self._plain: dict[GraphQLObjectType, dict[str, Plain | Nested | None]] = {}
        # A schema extension with a per-field `resolve` hook wraps every resolver: none skipped.
        manager = self.middleware_manager
        self._wrapped = manager is not None and bool(manager.middlewares)

    def _plain_of(self, parent_type: GraphQLObjectType) -> dict[str, Plain | Nested | None]:
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
                elif type(how) is Nested:
                    field_path = Path(path, response_name, parent_type.name)
                    value = self._nested(how, source_value, field_path, details, position_context)
                    if value is not _MISSING and _pending(value):
                        waiting.append(response_name)
                else:
                    value = _complete(how, source_value)  # type: ignore[arg-type]
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

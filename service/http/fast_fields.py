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
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import CustomGraphQLEnumType

Coerce = Callable[[Any], Any]
# (getter, attribute, the leaf type's coercion, whether null is a legal answer) of a plain leaf.
Plain = tuple[Callable[[Any, str], Any], str, Coerce, bool]
_PLAIN: WeakKeyDictionary[GraphQLObjectType, dict[str, Plain | None]] = WeakKeyDictionary()
_MISSING = object()


def _plain(field: GraphQLField) -> Plain | None:
    """How to read `field` directly, or None when it must go through its resolver."""
    if not getattr(field.resolve, "_is_default", False):
        return None
    definition = (field.extensions or {}).get("strawberry-definition")
    nullable = not isinstance(field.type, GraphQLNonNull)
    leaf = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if definition is None or not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        return None
    return definition.default_resolver, definition.python_name, _coercion(leaf), nullable


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


def plain_fields(parent_type: GraphQLObjectType) -> dict[str, Plain | None]:
    """The plain leaf fields of a type, by field name (computed once per type)."""
    found = _PLAIN.get(parent_type)
    if found is None:
        found = {name: _plain(field) for name, field in parent_type.fields.items()}
        _PLAIN[parent_type] = found
    return found


class FastFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, with plain leaf fields completed in one step."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The types this operation met (a plain dict: cheaper to ask than the weak one).
        self._plain: dict[GraphQLObjectType, dict[str, Plain | None]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        plain = self._plain.get(parent_type)
        if plain is None:
            plain = self._plain[parent_type] = plain_fields(parent_type)
        ordinary: GroupedFieldSet = {}
        results: dict[str, Any] = {}
        for response_name, details in grouped_field_set.items():
            node = details[0].node
            how = None if node.arguments else plain.get(node.name.value)
            value = _MISSING if how is None else _complete(how, source_value)
            results[response_name] = value
            if value is _MISSING:
                ordinary[response_name] = details
        if not ordinary:
            return results
        return self._merge(results, parent_type, source_value, path, ordinary, position_context)

    def _merge(
        self,
        results: dict[str, Any],
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        ordinary: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """The other fields the ordinary way, in the order the document asks for them all."""
        rest = super().execute_fields(parent_type, source_value, path, ordinary, position_context)
        if not isinstance(rest, Awaitable):
            return _ordered(results, rest)

        async def awaited(pending: Awaitable[dict[str, Any]]) -> dict[str, Any]:
            return _ordered(results, await pending)

        return awaited(rest)


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

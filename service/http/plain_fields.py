"""Which fields of a type are plain, and how to read them (`service.http.fast_fields` uses it).

A Strawberry field without a resolver, extensions or exception handlers (Strawberry marks its
resolver `_is_default`) answers `getattr(source, python_name)`. Such a field is a leaf (a scalar
or an enum, non-null or not: `Plain`), an object (`Nested`) or a list of objects (`Listed`)
whose type checks a value without a resolve info.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
)
from strawberry.schema.schema_converter import CustomGraphQLEnumType

Coerce = Callable[[Any], Any]
# (getter, attribute, the leaf type's coercion, whether null is a legal answer) of a plain leaf.
Plain = tuple[Callable[[Any, str], Any], str, Coerce, bool]
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


class Listed(NamedTuple):
    """A plain field of a list of objects (a connection's `edges`)."""

    getter: Callable[[Any, str], Any]
    attribute: str
    object_type: GraphQLObjectType
    return_type: GraphQLOutputType
    is_type_of: Callable[[Any], bool]
    item_type: GraphQLOutputType


How = Plain | Nested | Listed
_PLAIN: WeakKeyDictionary[GraphQLObjectType, dict[str, How | None]] = WeakKeyDictionary()


def _plain(field: GraphQLField) -> How | None:
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
    if isinstance(inner, GraphQLList):
        return _listed(getter, attribute, field.type, inner.of_type)
    if not isinstance(inner, GraphQLScalarType | GraphQLEnumType):
        return None
    return getter, attribute, _coercion(inner), nullable


def _listed(
    getter: Callable[[Any, str], Any],
    attribute: str,
    return_type: GraphQLOutputType,
    item_type: GraphQLOutputType,
) -> Listed | None:
    item = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
    check = _type_check(item) if isinstance(item, GraphQLObjectType) else None
    if check is None or not isinstance(item, GraphQLObjectType):
        return None
    return Listed(getter, attribute, item, return_type, check, item_type)


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


def plain_fields(parent_type: GraphQLObjectType) -> dict[str, How | None]:
    """The plain fields of a type, by field name (computed once per type)."""
    found = _PLAIN.get(parent_type)
    if found is None:
        found = {name: _plain(field) for name, field in parent_type.fields.items()}
        _PLAIN[parent_type] = found
    return found

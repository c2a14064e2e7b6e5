"""Input objects built from their coerced values by a plan made once per type, not per request.

Strawberry converts every argument by walking its type anew for each value (resolving each field's
type and GraphQL name on every request: ~40 calls for one `submitEvaluation` input). graphql-core
has already coerced and validated the value by then, so what is left is renaming the fields and
building the classes; `compile_inputs` gives every input type of the schema a `from_input` hook
(Strawberry's own extension point) that does that from a plan made once. It builds exactly what
Strawberry builds: the same classes with the same keyword arguments, None for an omitted field
without a default, lists copied. Types the plan does not cover (`Maybe` fields, global ids,
generics, a hook of their own) keep Strawberry's conversion.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import strawberry
from graphql import GraphQLInputObjectType
from strawberry.relay.types import GlobalID
from strawberry.scalars import is_scalar
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import InputContext
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryObjectDefinition,
    StrawberryOptional,
    StrawberryType,
    has_object_definition,
)
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.lazy_type import LazyType
from strawberry.types.unset import UNSET

Convert = Callable[[Any], Any]


# Marks the hooks made here (a later schema plans them anew: they are not "a hook of their own").
_PLANNED = "_kinerja_planned_names"


class _Unplanned(Exception):
    """A type the plan does not cover: it keeps Strawberry's own conversion."""


def _same(value: Any) -> Any:
    return value


def _copied(value: Any) -> Any:
    # The list is copied as Strawberry does: graphql-core shares a default between requests.
    return None if value is None or value is UNSET else list(value)


class _Planner:
    """The conversion of each type, planned once (an input type's plan is shared by its uses)."""

    def __init__(self, schema: strawberry.Schema) -> None:
        self.name_of = schema.config.name_converter.from_field
        self.scalars = schema.schema_converter.scalar_registry
        self.builders: dict[int, Callable[[type, Any], Any]] = {}
        self.planning: set[int] = set()

    def convert(self, type_: StrawberryType | type) -> Convert:
        if isinstance(type_, StrawberryMaybe) or type_ is GlobalID:
            raise _Unplanned
        if isinstance(type_, LazyType):
            return self.convert(type_.resolve_type())
        if isinstance(type_, StrawberryOptional):
            return self.convert(type_.of_type)
        if isinstance(type_, StrawberryList):
            return self._list(type_.of_type)
        if self._leaf(type_):
            return _same
        if has_object_definition(type_) and type_.__strawberry_definition__.is_input:
            return self._nested(type_, type_.__strawberry_definition__)
        raise _Unplanned

    def _leaf(self, type_: StrawberryType | type) -> bool:
        if isinstance(type_, LazyType):
            return self._leaf(type_.resolve_type())
        return (
            is_scalar(type_, self.scalars)
            or isinstance(type_, StrawberryEnumDefinition)
            or has_enum_definition(type_)
        )

    def _list(self, item: StrawberryType | type) -> Convert:
        inner = item.of_type if isinstance(item, StrawberryOptional) else item
        convert = self.convert(item)
        if convert is _same and inner is not GlobalID and self._leaf(inner):
            return _copied

        def each(value: Any) -> Any:
            if value is None or value is UNSET:
                return value
            return [convert(v) for v in value]

        return each

    def _nested(self, type_: type, definition: StrawberryObjectDefinition) -> Convert:
        build = self.builder(definition)

        def nested(value: Any) -> Any:
            return value if value is None or value is UNSET else build(type_, value)

        return nested

    def builder(self, definition: StrawberryObjectDefinition) -> Callable[[type, Any], Any]:
        """The input's builder (planned on first use; its hook when it has one not ours)."""
        known = self.builders.get(id(definition))
        if known is not None:
            return known
        hook = definition.from_input
        if (hook is not None and not hasattr(hook, _PLANNED)) or definition.type_var_map:
            raise _Unplanned
        if id(definition) in self.planning:
            raise _Unplanned  # an input nesting itself keeps Strawberry's conversion
        self.planning.add(id(definition))
        try:
            plan = [
                (
                    self.name_of(f),
                    f.python_name,
                    self.convert(f.resolve_type(type_definition=definition)),
                )
                for f in definition.fields
            ]
        finally:
            self.planning.discard(id(definition))
        defaults = {
            f.python_name: None
            for f in definition.fields
            if f.default_value is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }

        def build(cls: type, value: Mapping[str, Any]) -> Any:
            kwargs = dict(defaults)
            for name, python_name, convert in plan:
                if name in value:
                    kwargs[python_name] = convert(value[name])
            return cls(**kwargs)

        self.builders[id(definition)] = build
        return build


def compile_inputs(schema: strawberry.Schema) -> int:
    """Give every input type the plan covers its `from_input` hook; how many were given one."""
    planner = _Planner(schema)
    hooked: list[tuple[StrawberryObjectDefinition, Callable[[type, Any], Any]]] = []
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLInputObjectType):
            continue
        definition = graphql_type.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        try:
            hooked.append((definition, planner.builder(definition)))
        except _Unplanned:
            continue
    names = _names(schema.config)
    for definition, build in hooked:
        definition.from_input = _hook(build, names)
    return len(hooked)


def _names(config: StrawberryConfig) -> tuple[type, bool]:
    return type(config.name_converter), config.name_converter.auto_camel_case


def _hook(build: Callable[[type, Any], Any], names: tuple[type, bool]) -> Any:
    def from_input(cls: type, value: Mapping[str, Any], context: InputContext) -> Any:
        # The classes are shared by every schema built: one naming fields otherwise must plan anew.
        if _names(context.config) != names:
            raise RuntimeError(f"{cls.__name__} was planned for another schema's field names")
        return build(cls, value)

    setattr(from_input, _PLANNED, names)
    return from_input

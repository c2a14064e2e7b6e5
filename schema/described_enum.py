"""GraphQL enums over the domain's enums, with a description for every value.

The domain's StrEnums stay pure (no Strawberry), and resolvers keep passing their members through,
so a value cannot be wrapped in `strawberry.enum_value`. Strawberry's enum definition of the domain
class is given the value descriptions instead; the SDL names stay exactly the domain's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry
from strawberry.types.enum import has_enum_definition

E = TypeVar("E", bound=type[Enum])


def described_enum(cls: E, description: str, values: Mapping[str, str]) -> E:
    """`strawberry.enum(cls)` with `values[name]` describing each member (every one required)."""
    annotated = strawberry.enum(cls, description=description)
    assert has_enum_definition(annotated)
    definition = annotated.__strawberry_definition__
    names = {v.name for v in definition.values}
    if names != values.keys():
        missing, unknown = sorted(names - values.keys()), sorted(values.keys() - names)
        raise ValueError(f"{definition.name}: missing {missing}, unknown {unknown}")
    definition.values = [
        dataclasses.replace(v, description=values[v.name]) for v in definition.values
    ]
    return cls

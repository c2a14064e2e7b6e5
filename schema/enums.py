"""GraphQL enums built from the domain's StrEnums, with a description for every value.

Strawberry describes only values declared with `strawberry.enum_value`, so each GraphQL enum is a
new Enum with the domain enum's names and values: the SDL names stay those of the domain, and a
value added to the domain without a description fails at import. A resolver may return a domain
member (it serializes by value); an argument arrives as a member of the GraphQL enum, whose
`.value` is the domain value (`domain_enum(argument.value)`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, StrEnum
from typing import Any, cast

import strawberry


def described_enum(domain: type[StrEnum], description: str, values: Mapping[str, str]) -> Any:
    """The GraphQL enum named like `domain`, each value described by `values[name]`."""
    names = [member.name for member in domain]
    if set(values) != set(names):
        raise ValueError(f"{domain.__name__}: describe exactly {sorted(names)}")
    members = {
        member.name: strawberry.enum_value(member.value, description=values[member.name])
        for member in domain
    }
    graphql_enum = cast("type[Enum]", Enum(domain.__name__, members))
    return strawberry.enum(graphql_enum, description=description)

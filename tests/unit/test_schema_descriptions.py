"""Every part of the public schema explains itself to a partner developer.

GraphiQL's docs pane and generated clients show these descriptions; a missing one, or one that only
repeats the name ("Unit code." on `unitCode`), leaves a partner guessing.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    build_schema,
    specified_scalar_types,
)

from schema.root import sdl

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_PUNCTUATION = str.maketrans(string.punctuation, " " * len(string.punctuation))


def _words(text: str) -> str:
    """Lowercased words, punctuation and case boundaries as spaces: `unitCode` -> `unit code`."""
    return " ".join(_CAMEL.sub(" ", text).translate(_PUNCTUATION).lower().split())


def _parts(named: GraphQLNamedType) -> Iterator[tuple[str, str, str | None]]:
    """(where, name, description) of a type and everything in it that carries a description."""
    yield named.name, named.name, named.description
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        for field_name, field in named.fields.items():
            yield f"{named.name}.{field_name}", field_name, field.description
            for arg_name, arg in field.args.items():
                yield f"{named.name}.{field_name}({arg_name})", arg_name, arg.description
    elif isinstance(named, GraphQLInputObjectType):
        for field_name, input_field in named.fields.items():
            yield f"{named.name}.{field_name}", field_name, input_field.description
    elif isinstance(named, GraphQLEnumType):
        for value_name, value in named.values.items():
            yield f"{named.name}.{value_name}", value_name, value.description


def undescribed() -> list[str]:
    """Every part of the printed schema with no description or one that repeats its name."""
    schema = build_schema(sdl())
    found = []
    for type_name, named in sorted(schema.type_map.items()):
        if type_name.startswith("__") or type_name in specified_scalar_types:
            continue
        for where, name, description in _parts(named):
            if not description or not description.strip():
                found.append(f"{where}: no description")
            elif _words(description) == _words(name):
                found.append(f"{where}: the description repeats the name")
    return found


def test_words_split_names_and_drop_punctuation() -> None:
    assert _words("unitCode") == _words("Unit code.") == "unit code"
    assert _words("SANGAT_BAIK") == "sangat baik"
    assert _words("The unit's code, e.g. DINKES.") != "unit code"


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    missing = undescribed()
    assert not missing, f"{len(missing)} parts of the schema lack a description:\n" + "\n".join(
        missing
    )

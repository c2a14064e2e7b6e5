"""Limits on GraphQL documents: depth, aliases, duplicate fields, page sizes and a cost bound.

The measure is linear in the document: each fragment's selection set is measured once and the
result memoised, so a spread costs one lookup however often the fragment is spread (a fan-out
document of 2^40 expanded fields is measured in microseconds). Page sizes come from the literal
`first` or `last` (or the length of `nodes`' `ids`) or from the variables' values, so `first: $n`
costs what `n` says.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
)


@dataclass(frozen=True)
class Limits:
    """How large a document may be before it is refused unexecuted."""

    max_document_chars: int = 100_000
    max_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 5000
    max_cost: int = 20000
    max_duplicates: int = 100
    default_page: int = 20
    max_page: int = 100


@dataclass(frozen=True)
class _Size:
    depth: int = 0
    cost: int = 0
    aliases: int = 0
    duplicates: int = 0

    def __add__(self, other: _Size) -> _Size:
        return _Size(
            max(self.depth, other.depth),
            self.cost + other.cost,
            self.aliases + other.aliases,
            self.duplicates + other.duplicates,
        )


class _Measure:
    """Measures selection sets; fragments once each (memoised), cycles counted as empty."""

    def __init__(
        self,
        document: DocumentNode,
        limits: Limits,
        paged: frozenset[str],
        variables: dict[str, Any],
    ) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.limits = limits
        self.paged = paged
        self.variables = variables
        self.memo: dict[str, _Size] = {}
        self.pages: list[tuple[int, FieldNode, str]] = []

    def fragment(self, name: str) -> _Size:
        if name not in self.memo:
            self.memo[name] = _Size()  # a cycle meets an empty size (validation refuses it)
            definition = self.fragments.get(name)
            if definition is not None:
                self.memo[name] = self.selections(definition.selection_set)
        return self.memo[name]

    def selections(self, selections: SelectionSetNode | None) -> _Size:
        """(depth, cost, aliases, duplicates) of a selection set, its depth from its level."""
        total = _Size()
        names: Counter[str] = Counter()
        for node in selections.selections if selections else ():
            if isinstance(node, FieldNode):
                names[(node.alias or node.name).value] += 1
                total = total + self.field(node)
            elif isinstance(node, InlineFragmentNode):
                total = total + self.selections(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                names["..." + node.name.value] += 1
                total = total + self.fragment(node.name.value)
        repeated = sum(count - 1 for count in names.values())
        return total + _Size(duplicates=repeated)

    def field(self, node: FieldNode) -> _Size:
        child = self.selections(node.selection_set)
        multiplier = self.page_size(node) if node.name.value in self.paged else 1
        return _Size(
            depth=child.depth + 1,
            cost=1 + multiplier * child.cost,
            aliases=child.aliases + (1 if node.alias else 0),
            duplicates=child.duplicates,
        )

    def page_size(self, field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value in _PAGE_ARGUMENTS:
                size = self.value_of(argument.value)
                if size is not None:
                    self.pages.append((size, field, argument.name.value))
                    return max(size, 1)
            if argument.name.value == "ids":  # `nodes(ids:)`: one object per id
                return max(self.length_of(argument.value), 1)
        return self.limits.default_page

    def length_of(self, value: ValueNode) -> int:
        if isinstance(value, ListValueNode):
            return len(value.values)
        if isinstance(value, VariableNode):
            given = self.variables.get(value.name.value)
            if isinstance(given, list):
                return len(given)
        return 1

    def value_of(self, value: ValueNode) -> int | None:
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            given = self.variables.get(value.name.value)
            if isinstance(given, int) and not isinstance(given, bool):
                return given
        return None


# The arguments that size a page (forward and backward); `ids` sizes `nodes(ids:)`.
_PAGE_ARGUMENTS = ("first", "last")


def paged_fields(schema: GraphQLSchema) -> frozenset[str]:
    """Names of fields that return a page (they take `first` or `last`, or `ids` as `nodes`
    does): their cost multiplies."""
    return frozenset(
        name
        for kind in schema.type_map.values()
        if isinstance(kind, GraphQLObjectType)
        for name, field in kind.fields.items()
        if {*_PAGE_ARGUMENTS, "ids"} & set(field.args)
    )


def sizing_variables(document: DocumentNode) -> frozenset[str]:
    """The variables whose values `limit_errors` reads (those given to `first`, `last` or `ids`):
    its answer depends on the document and on these values only."""
    found: set[str] = set()
    pending = [d.selection_set for d in document.definitions if hasattr(d, "selection_set")]
    while pending:
        selections = pending.pop()
        for node in selections.selections if selections else ():
            for argument in getattr(node, "arguments", None) or ():
                named = argument.name.value
                if named in (*_PAGE_ARGUMENTS, "ids") and isinstance(argument.value, VariableNode):
                    found.add(argument.value.name.value)
            pending.append(getattr(node, "selection_set", None))
    return frozenset(found)


def _defaults(operation: OperationDefinitionNode) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        if isinstance(definition.default_value, IntValueNode):
            defaults[definition.variable.name.value] = int(definition.default_value.value)
    return defaults


def limit_errors(
    document: DocumentNode,
    limits: Limits,
    paged: frozenset[str],
    variables: dict[str, Any] | None,
) -> list[GraphQLError]:
    """Every limit the document's operations pass, as errors (empty when within the limits)."""
    problems: list[GraphQLError] = []
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for operation in operations:
        measure = _Measure(document, limits, paged, {**_defaults(operation), **(variables or {})})
        size = measure.selections(operation.selection_set)
        checks = [
            (size.depth, limits.max_depth, "the query is {} levels deep; the limit is {}"),
            (size.aliases, limits.max_aliases, "the query uses {} aliases; the limit is {}"),
            (
                size.duplicates,
                limits.max_duplicates,
                "the query repeats fields {} times; the limit is {}",
            ),
            (size.cost, limits.max_cost, "the query may cost {}; the limit is {}"),
        ]
        for found, limit, message in checks:
            if found > limit:
                problems.append(_refusal(message.format(found, limit), operation))
        for page, field, argument in measure.pages:
            if not 0 <= page <= limits.max_page:
                message = f"{argument} must be between 0 and {limits.max_page}"
                problems.append(_refusal(message, field))
    return problems


def _refusal(message: str, node: FieldNode | OperationDefinitionNode) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": "BAD_USER_INPUT"})


MAX_JSON_DEPTH = 32
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def input_problem(value: Any, max_depth: int) -> str | None:
    """Why a decoded JSON value may not be run (too deep, NUL, a lone surrogate), or None.

    Iterative, so a value nested deeper than the interpreter's stack is measured, not crashed on.
    """
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > max_depth:
            return f"the request nests values more than {max_depth} levels deep"
        if isinstance(item, str):
            if (bad := _BAD_TEXT.search(item)) is not None:
                return _text_problem(bad.group())
        elif isinstance(item, dict):
            pending.extend((k, depth + 1) for k in item)
            pending.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            pending.extend((v, depth + 1) for v in item)
    return None


class StringValuesRule(ASTValidationRule):
    """String literals in the document hold no NUL and no lone surrogate (escapes included)."""

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if (bad := _BAD_TEXT.search(node.value)) is not None:
            self.report_error(
                GraphQLError(
                    _text_problem(bad.group()), node, extensions={"code": "BAD_USER_INPUT"}
                )
            )


def _text_problem(found: str) -> str:
    if found == "\x00":
        return "strings must not contain NUL characters"
    return "strings must be valid Unicode: a lone surrogate (U+D800 to U+DFFF) is not"

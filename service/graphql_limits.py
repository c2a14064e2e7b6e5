"""Limits on GraphQL documents: depth, aliases, tokens and a cost bound on list fields."""

from __future__ import annotations

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
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    parse,
    specified_rules,
    validate,
)

from service.as_of_limit import AsOfFieldsRule


@dataclass(frozen=True)
class Limits:
    """How large a document may be before it is refused unexecuted."""

    max_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 5000
    max_cost: int = 20000
    default_page: int = 20


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _page_size(field: FieldNode, default: int) -> int:
    for argument in field.arguments or ():
        if argument.name.value == "first" and isinstance(argument.value, IntValueNode):
            return max(int(argument.value.value), 1)
    return default


class _Measure:
    """Walks a selection set once for depth, aliases and cost (fragments followed, no cycles)."""

    def __init__(
        self,
        fragments: dict[str, FragmentDefinitionNode],
        limits: Limits,
        paged: frozenset[str],
    ) -> None:
        self.fragments = fragments
        self.limits = limits
        self.paged = paged
        self.aliases = 0

    def walk(
        self, selections: SelectionSetNode | None, depth: int, seen: frozenset[str]
    ) -> tuple[int, int]:
        """(depth, cost) of a selection set."""
        deepest, cost = depth, 0
        for node in selections.selections if selections else ():
            if isinstance(node, FieldNode):
                self.aliases += 1 if node.alias else 0
                child_depth, child_cost = self.walk(node.selection_set, depth + 1, seen)
                paged = node.name.value in self.paged
                multiplier = _page_size(node, self.limits.default_page) if paged else 1
                deepest = max(deepest, child_depth)
                cost += 1 + multiplier * child_cost
            elif isinstance(node, InlineFragmentNode):
                child_depth, child_cost = self.walk(node.selection_set, depth, seen)
                deepest, cost = max(deepest, child_depth), cost + child_cost
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                fragment = self.fragments.get(node.name.value)
                if fragment is not None:
                    child_depth, child_cost = self.walk(
                        fragment.selection_set, depth, seen | {node.name.value}
                    )
                    deepest, cost = max(deepest, child_depth), cost + child_cost
        return deepest, cost


def paged_fields(schema: GraphQLSchema) -> frozenset[str]:
    """Names of fields that return a page (they take `first`): their cost multiplies."""
    return frozenset(
        name
        for kind in schema.type_map.values()
        if isinstance(kind, GraphQLObjectType)
        for name, field in kind.fields.items()
        if "first" in field.args
    )


def limit_rules(limits: Limits, paged: frozenset[str]) -> list[type[ASTValidationRule]]:
    """The standard validation rules plus one that enforces the limits."""

    class LimitsRule(ASTValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            measure = _Measure(_fragments(self.context.document), limits, paged)
            depth, cost = measure.walk(node.selection_set, 0, frozenset())
            problems = []
            if depth > limits.max_depth:
                problems.append(
                    f"the query is {depth} levels deep; the limit is {limits.max_depth}"
                )
            if measure.aliases > limits.max_aliases:
                problems.append(
                    f"the query uses {measure.aliases} aliases; the limit is {limits.max_aliases}"
                )
            if cost > limits.max_cost:
                problems.append(f"the query may cost {cost}; the limit is {limits.max_cost}")
            for problem in problems:
                self.report_error(GraphQLError(problem, node))

    class NoNulRule(ASTValidationRule):
        # PostgreSQL text cannot hold NUL: refuse it as bad input, not as a database failure.
        def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
            if "\x00" in node.value:
                self.report_error(GraphQLError("strings must not contain NUL characters", node))

    return [*specified_rules, LimitsRule, NoNulRule, AsOfFieldsRule]


class DocumentChecker:
    """Parses and validates documents with the limits, remembering the answers (a bounded cache)."""

    def __init__(self, schema: GraphQLSchema, limits: Limits, size: int = 512) -> None:
        self._schema = schema
        self._limits = limits
        self._rules = limit_rules(limits, paged_fields(schema))
        self._cache: dict[str, DocumentNode | list[GraphQLError]] = {}
        self._size = size

    def check(self, query: str) -> DocumentNode | list[GraphQLError]:
        """The parsed document, or the parse and validation errors."""
        if (hit := self._cache.get(query)) is not None:
            return hit
        try:
            document = parse(query, max_tokens=self._limits.max_tokens)
        except GraphQLError as error:
            outcome: DocumentNode | list[GraphQLError] = [error]
        else:
            errors = validate(self._schema, document, rules=self._rules)
            outcome = errors or document
        if len(self._cache) >= self._size:
            self._cache.pop(next(iter(self._cache)))
        self._cache[query] = outcome
        return outcome

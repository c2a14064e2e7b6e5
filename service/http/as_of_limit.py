"""A validation rule bounding the as-of fields of one operation.

Each `employeeAsOf` / `employeeAtPosition` replays a person's log and reads it through the small
as-of connection pool (AS_OF_POOL_SIZE connections), so an operation may carry at most
MAX_AS_OF_FIELDS of them, counted through fragments (each fragment measured once), before any
work or connection is spent. One connection stays free for other clients.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)

from service.views.as_of import AS_OF_POOL_SIZE, MAX_AS_OF_FIELDS

AS_OF_FIELDS = frozenset({"employeeAsOf", "employeeAtPosition"})

__all__ = ["AS_OF_POOL_SIZE", "MAX_AS_OF_FIELDS", "AsOfFieldsRule"]


class AsOfFieldsRule(ValidationRule):
    """Refuse an operation with more than MAX_AS_OF_FIELDS as-of fields (BAD_USER_INPUT)."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        fragments = {
            d.name.value: d
            for d in self.context.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        found = _Counter(fragments).count(node.selection_set)
        if found > MAX_AS_OF_FIELDS:
            self.report_error(
                GraphQLError(
                    f"the operation has {found} as-of fields (employeeAsOf, employeeAtPosition);"
                    f" the limit is {MAX_AS_OF_FIELDS}",
                    node,
                    extensions={"code": "BAD_USER_INPUT"},
                )
            )


class _Counter:
    """As-of fields under a selection set; a fragment is counted once and its count reused."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self._fragments = fragments
        self._memo: dict[str, int] = {}

    def count(self, selections: SelectionSetNode | None) -> int:
        total = 0
        for node in selections.selections if selections else ():
            if isinstance(node, FieldNode):
                total += (node.name.value in AS_OF_FIELDS) + self.count(node.selection_set)
            elif isinstance(node, InlineFragmentNode):
                total += self.count(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                total += self._fragment(node.name.value)
            if total > MAX_AS_OF_FIELDS:
                # Enough to refuse; a fan-out of fragments need not be counted to the end.
                return total
        return total

    def _fragment(self, name: str) -> int:
        if name not in self._memo:
            self._memo[name] = 0  # a cycle counts nothing (NoFragmentCyclesRule refuses it)
            fragment = self._fragments.get(name)
            self._memo[name] = self.count(fragment.selection_set) if fragment else 0
        return self._memo[name]

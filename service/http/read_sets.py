"""Which read tables a document can read: what its cached answer depends on.

The response cache keys a query's answer by the positions at which those tables last changed,
so a write elsewhere (another unit registered, an evaluation submitted) leaves the answer cached.
The map is an allow-list: a field it does not name, anywhere in the document, may read anything
(the log itself, a replay, any view), and the answer is then keyed by the log head and every
view's position. A field named with no tables reads only what its parent already loaded.
"""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    visit,
)

from projections.directory import EMPLOYEES, UNITS

ReadSet = frozenset[str] | None  # None: anything (keyed by the log head and every view)

_NOTHING: frozenset[str] = frozenset()
_EMPLOYEES = frozenset({EMPLOYEES.name})
_UNITS = frozenset({UNITS.name})
_PAGE_INFO = {"hasNextPage", "endCursor", "hasPreviousPage", "startCursor"}
_EMPLOYEE_PLAIN = {
    "id",
    "nip",
    "name",
    "employmentType",
    "positionKind",
    "positionTitle",
    "version",
}

# (parent type, field) -> the read tables its resolver reads (beyond what the parent loaded).
READS: dict[tuple[str, str], frozenset[str]] = {
    ("Query", "employee"): _EMPLOYEES,
    ("Query", "employees"): _EMPLOYEES,
    ("Query", "unit"): _UNITS,
    ("Query", "units"): _UNITS,
    ("EmployeeConnection", "edges"): _NOTHING,
    ("EmployeeConnection", "pageInfo"): _NOTHING,
    ("EmployeeConnection", "totalCount"): _EMPLOYEES,
    ("EmployeeEdge", "cursor"): _NOTHING,
    ("EmployeeEdge", "node"): _NOTHING,
    ("Employee", "unit"): _UNITS,
    ("Employee", "supervisor"): _EMPLOYEES,
    ("SupervisorRef", "nip"): _NOTHING,
    ("Unit", "id"): _NOTHING,
    ("Unit", "code"): _NOTHING,
    ("Unit", "name"): _NOTHING,
    ("Unit", "sector"): _NOTHING,
    **{("PageInfo", name): _NOTHING for name in _PAGE_INFO},
    **{("Employee", name): _NOTHING for name in _EMPLOYEE_PLAIN},
}
# Arguments that make a listed field read more than READS says (a filter on another view).
WIDENING: dict[tuple[str, str], frozenset[str]] = {
    ("Query", "employees"): frozenset({"predicate"}),
}


class _Collector(Visitor):
    def __init__(self, types: TypeInfo) -> None:
        super().__init__()
        self.types = types
        self.tables: set[str] = set()
        self.anything = False

    def enter_field(self, node: FieldNode, *_: object) -> None:
        parent = self.types.get_parent_type()
        name = node.name.value
        if name.startswith("__"):
            return  # introspection and __typename read the schema, not the views
        parent_name = get_named_type(parent).name if parent is not None else ""
        found = READS.get((parent_name, name))
        widening = WIDENING.get((parent_name, name), _NOTHING)
        if found is None or any(a.name.value in widening for a in node.arguments or ()):
            self.anything = True
        else:
            self.tables.update(found)


def read_set(schema: GraphQLSchema, document: DocumentNode) -> ReadSet:
    """The tables `document` can read, or None when any of its fields may read anything."""
    types = TypeInfo(schema)
    collector = _Collector(types)
    visit(document, TypeInfoVisitor(types, collector))
    return None if collector.anything else frozenset(collector.tables)

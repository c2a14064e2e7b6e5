"""The variables the limits read: a document's page sizes, nothing else (the cache key)."""

from __future__ import annotations

from graphql import parse

from service.http.limits import Limits, limit_errors, sizing_variables


def test_only_the_page_arguments_variables_size_a_document() -> None:
    document = parse(
        """query Q($n: Int, $ids: [ID!]!, $u: String, $m: Int) {
          units(code: $u) { employees(first: $n) { nodes { nip } } }
          nodes(ids: $ids) { id }
          ...F
        }
        fragment F on Query { employees(last: $m, after: $u) { nodes { nip } } }"""
    )
    assert sizing_variables(document) == {"n", "ids", "m"}
    assert (
        sizing_variables(parse("mutation S($input: SubmitEvaluationInput!) { a(input: $input) }"))
        == frozenset()
    )


def test_the_limits_answer_depends_on_no_other_variable() -> None:
    document = parse("query Q($n: Int, $u: String) { employees(first: $n, unit: $u) { nip } }")
    paged = frozenset({"employees"})
    refused = limit_errors(document, Limits(), paged, {"n": 1000, "u": "a"})
    assert refused == limit_errors(document, Limits(), paged, {"n": 1000, "u": "b"}) != []
    assert limit_errors(document, Limits(), paged, {"n": 10, "u": "a"}) == []

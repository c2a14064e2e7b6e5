"""The planned input builders build what Strawberry's own conversion builds."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.types.arguments import convert_argument
from strawberry.types.base import StrawberryObjectDefinition

from domain.rating import CoreValue, Rating
from schema.performance_inputs import SubmitEvaluationInput
from schema.root import build_schema


def _both(cls: type, value: dict[str, Any]) -> tuple[Any, Any]:
    schema = build_schema()
    definition: StrawberryObjectDefinition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    registry, config = schema.schema_converter.scalar_registry, schema.config
    planned = convert_argument(value, cls, registry, config)
    hooks = {}
    for graphql_type in schema._schema.type_map.values():
        found = getattr(graphql_type, "extensions", {}).get("strawberry-definition")
        if isinstance(found, StrawberryObjectDefinition) and found.from_input is not None:
            hooks[id(found)] = (found, found.from_input)
            found.from_input = None
    try:
        plain = convert_argument(value, cls, registry, config)
    finally:
        for found, hook in hooks.values():
            found.from_input = hook
    assert definition.from_input is not None
    return planned, plain


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"resultsRating": Rating.DI_ATAS_EKSPEKTASI, "developmentNeeds": ["a", "b"]},
        {"ratingJustification": None, "idempotencyKey": "k-1", "developmentNeeds": None},
    ],
)
def test_a_planned_input_equals_strawberrys_conversion(extra: dict[str, Any]) -> None:
    value = {
        "nip": "199001012020121001",
        "year": 2026,
        "period": "TRIWULAN_I",
        "targetRatings": [
            {"targetIndex": 0, "rating": Rating.SESUAI_EKSPEKTASI, "evidence": ["ND-1"]},
            {"targetIndex": 1, "rating": Rating.DI_BAWAH_EKSPEKTASI, "evidence": None},
            {"targetIndex": 2, "rating": Rating.SESUAI_EKSPEKTASI},
        ],
        "behaviourRating": Rating.SESUAI_EKSPEKTASI,
        "behaviourNotes": [{"value": v, "note": "sesuai"} for v in CoreValue],
        "feedback": "Pertahankan",
        **extra,
    }
    planned, plain = _both(SubmitEvaluationInput, value)
    assert type(planned) is type(plain) is SubmitEvaluationInput
    assert planned == plain
    assert planned.target_ratings is not value["targetRatings"]
    if isinstance(value.get("developmentNeeds"), list):
        # Copied as Strawberry copies it: graphql-core shares a default between requests.
        assert planned.development_needs is not value["developmentNeeds"]

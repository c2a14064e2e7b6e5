"""The enums of performance management as GraphQL shows them."""

from __future__ import annotations

import strawberry

from domain.distribution import OrganizationPredicate
from domain.evaluation import EvaluationStatus
from domain.rating import CoreValue, Period, PotentialLevel, Predicate, Rating

RatingEnum = strawberry.enum(Rating, description="Above, as or below expectation.")
PredicateEnum = strawberry.enum(Predicate, description="Predikat kinerja, derived from ratings.")
PeriodEnum = strawberry.enum(Period, description="A quarter (TRIWULAN_I..IV) or the year.")
CoreValueEnum = strawberry.enum(CoreValue, description="The seven BerAKHLAK core values.")
PotentialLevelEnum = strawberry.enum(PotentialLevel, description="Potential (talent 9-box).")
OrganizationPredicateEnum = strawberry.enum(
    OrganizationPredicate, description="A unit's organisation predicate."
)
EvaluationStatusEnum = strawberry.enum(EvaluationStatus, description="Evaluation lifecycle.")

"""Award queries: rule sets, decisions, re-evaluation and the fairness summary."""

from __future__ import annotations

from uuid import UUID

import strawberry
from graphql import GraphQLError

from projections import awards as views
from schema.awards import (
    AwardDecisionType,
    AwardKindEnum,
    RuleSetRef,
    RuleSetType,
)
from schema.context import STAFF_AND_PARTNERS, Info, page_size
from schema.cursors import encode_cursor, position_cursor
from schema.organisation import PageInfo
from service.handlers.awards import Reevaluation

SUPPRESSED = "<5"
MIN_SHOWN = 5


@strawberry.type
class AwardDecisionEdge:
    cursor: str
    node: AwardDecisionType


@strawberry.type(description="A page of award decisions in decision order.")
class AwardDecisionConnection:
    edges: list[AwardDecisionEdge]
    page_info: PageInfo


@strawberry.type(name="ReevaluatedCriterion", description="One criterion: stored vs recomputed.")
class ReevaluatedCriterion:
    name: str
    stored_actual: str | None
    recomputed_actual: str | None
    stored_met: bool | None
    recomputed_met: bool | None
    matches: bool


@strawberry.type(name="AwardReevaluation", description="A decision recomputed from the log.")
class AwardReevaluation:
    decision_id: strawberry.ID
    matches: bool = strawberry.field(description="Same answer as at the decision's moment.")
    rule_set_matches: bool
    rule_set: RuleSetRef | None
    facts_position: int
    criteria: list[ReevaluatedCriterion]


@strawberry.type(name="FairnessRow", description="Counts per unit and gender; <5 suppressed.")
class FairnessRow:
    unit_code: str
    gender: str
    eligible: str
    nominated: str
    granted: str
    grant_rate: float | None = strawberry.field(
        description="granted / nominated; null when either count is suppressed."
    )


def suppressed(count: int) -> str:
    """A count as published: below 5 it is shown as `<5`, so no small group is identifiable."""
    return SUPPRESSED if count < MIN_SHOWN else str(count)


def fairness_row(c: views.FairnessCounts) -> FairnessRow:
    """One published row: small counts suppressed, and no rate that would reveal one."""
    shown = c.granted >= MIN_SHOWN and c.nominated >= MIN_SHOWN
    return FairnessRow(
        unit_code=c.unit_code,
        gender=c.gender,
        eligible=suppressed(c.eligible),
        nominated=suppressed(c.nominated),
        granted=suppressed(c.granted),
        grant_rate=round(c.granted / c.nominated, 4) if shown else None,
    )


def _parse_id(value: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise GraphQLError("not a valid id", extensions={"code": "BAD_USER_INPUT"}) from None


@strawberry.type
class AwardQuery:
    @strawberry.field(description="Every published rule set version.")
    async def rule_sets(self, info: Info) -> list[RuleSetType]:
        info.context.reader()
        return [RuleSetType.of(v) for v in await views.rule_sets(info.context.services.pool)]

    @strawberry.field(description="One award case, or null.")
    async def award_decision(self, info: Info, id: strawberry.ID) -> AwardDecisionType | None:
        info.context.reader(*STAFF_AND_PARTNERS)
        view = await views.award_by_id(info.context.services.pool, _parse_id(id))
        return AwardDecisionType(view=view) if view else None

    @strawberry.field(description="Decisions in decision order, optionally flagged or of a unit.")
    async def award_decisions(
        self,
        info: Info,
        flagged: bool | None = None,
        unit_code: str | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> AwardDecisionConnection:
        info.context.reader(*STAFF_AND_PARTNERS)
        size = page_size(first)
        found = await views.decisions_page(
            info.context.services.pool,
            flagged=flagged,
            unit_code=unit_code.strip().upper() if unit_code else None,
            after=position_cursor("decision", after),
            limit=size + 1,
        )
        edges = [
            AwardDecisionEdge(
                cursor=encode_cursor("decision", str(v.decided_position)),
                node=AwardDecisionType(view=v),
            )
            for v in found[:size]
        ]
        return AwardDecisionConnection(
            edges=edges,
            page_info=PageInfo.of(
                [e.cursor for e in edges], has_next=len(found) > size, has_previous=bool(after)
            ),
        )

    @strawberry.field(description="Recompute a decision from the log as it stood at the time.")
    async def reevaluate_award_decision(self, info: Info, id: strawberry.ID) -> AwardReevaluation:
        info.context.reader(*STAFF_AND_PARTNERS)
        services = info.context.services
        found = await services.awards.reevaluate(services.pool, _parse_id(id))
        if found is None:
            raise GraphQLError("no decided award with this id", extensions={"code": "NOT_FOUND"})
        return _reevaluation(found)

    @strawberry.field(description="Per unit and gender for one award and year; counts <5 hidden.")
    async def award_fairness(
        self,
        info: Info,
        kind: AwardKindEnum,  # type: ignore[valid-type]
        year: int,
    ) -> list[FairnessRow]:
        info.context.reader(*STAFF_AND_PARTNERS)
        counts = await views.fairness_counts(info.context.services.pool, str(kind), year)
        return [fairness_row(c) for c in counts]


def _reevaluation(found: Reevaluation) -> AwardReevaluation:
    stored, recomputed = found.stored, found.recomputed
    rows = []
    for i in range(max(len(stored), len(recomputed))):
        old = stored[i] if i < len(stored) else None
        new = recomputed[i] if i < len(recomputed) else None
        either = old or new
        assert either is not None
        rows.append(
            ReevaluatedCriterion(
                name=either.name,
                stored_actual=old.actual if old else None,
                recomputed_actual=new.actual if new else None,
                stored_met=old.met if old else None,
                recomputed_met=new.met if new else None,
                matches=old == new,
            )
        )
    spec = found.rule_set
    return AwardReevaluation(
        decision_id=strawberry.ID(str(found.award.id)),
        matches=found.matches,
        rule_set_matches=found.rule_set_matches,
        rule_set=RuleSetRef(
            id=strawberry.ID(str(spec.id)), version=spec.version, hash=spec.content_hash
        )
        if spec
        else None,
        facts_position=found.award.facts_position or 0,
        criteria=rows,
    )

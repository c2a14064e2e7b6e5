"""Award queries: rule sets, decisions, re-evaluation and the fairness summary."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry
from graphql import GraphQLError

from projections import awards as views
from schema.awards import RuleSetRef, RuleSetType
from schema.context import Info, page_size
from schema.descriptions import AFTER, CURSOR, EDGES, FIRST, NODE, PAGE_INFO
from schema.enums import AwardKindEnum
from schema.links import AwardDecisionType
from schema.pagination import PageInfo, encode_cursor, position_cursor
from service.auth.policy import VIEW_READERS
from service.handlers.awards import Reevaluation

SUPPRESSED = "<5"
_ID = "Id of the award case."
MIN_SHOWN = 5


@strawberry.type(description="A decided award case in a page of decisions.")
class AwardDecisionEdge:
    cursor: str = strawberry.field(description=CURSOR)
    node: AwardDecisionType = strawberry.field(description=NODE)


@strawberry.type(description="A page of award decisions in decision order.")
class AwardDecisionConnection:
    edges: list[AwardDecisionEdge] = strawberry.field(description=EDGES)
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)


@strawberry.type(name="ReevaluatedCriterion", description="One criterion: stored vs recomputed.")
class ReevaluatedCriterion:
    name: str = strawberry.field(description="Readable statement of the criterion.")
    stored_actual: str | None = strawberry.field(
        description="The actual value the decision recorded; null if it had no such criterion."
    )
    recomputed_actual: str | None = strawberry.field(
        description="The actual value recomputed now; null if the replay has no such criterion."
    )
    stored_met: bool | None = strawberry.field(description="Met, as recorded; null if absent.")
    recomputed_met: bool | None = strawberry.field(
        description="Met, as recomputed; null if absent."
    )
    matches: bool = strawberry.field(description="Recorded and recomputed results are identical.")


@strawberry.type(name="AwardReevaluation", description="A decision recomputed from the log.")
class AwardReevaluation:
    decision_id: strawberry.ID = strawberry.field(description="The award case recomputed.")
    matches: bool = strawberry.field(description="Same answer as at the decision's moment.")
    rule_set_matches: bool = strawberry.field(
        description="The rule set in force then still has the recorded version and hash."
    )
    rule_set: RuleSetRef | None = strawberry.field(
        description="The rule set used for the replay; null if none was in force."
    )
    facts_position: int = strawberry.field(description="Log position the facts were replayed at.")
    criteria: list[ReevaluatedCriterion] = strawberry.field(
        description="Each criterion, recorded beside recomputed, in rule set order."
    )


@strawberry.type(name="FairnessRow", description="Counts per unit and gender; <5 suppressed.")
class FairnessRow:
    unit_code: str = strawberry.field(description="The nominees' unit when nominated.")
    gender: str = strawberry.field(
        description="MALE or FEMALE (digit 15 of a PNS NIP); UNKNOWN otherwise."
    )
    eligible: str = strawberry.field(
        description="Nominees found to meet every criterion; `<5` if fewer than 5."
    )
    nominated: str = strawberry.field(description="Nominated employees; `<5` if fewer than 5.")
    granted: str = strawberry.field(
        description="Granted and not revoked since; `<5` if fewer than 5."
    )
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
    @strawberry.field(description="Every published rule set version, of every award (any role).")
    async def rule_sets(self, info: Info) -> list[RuleSetType]:
        info.context.reader()
        return [RuleSetType.of(v) for v in await views.rule_sets(info.context.services.pool)]

    @strawberry.field(description="One award case by id; null if there is none (staff, partners).")
    async def award_decision(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description=_ID)]
    ) -> AwardDecisionType | None:
        info.context.reader(*VIEW_READERS)
        view = await views.award_by_id(info.context.services.pool, _parse_id(id))
        return AwardDecisionType.of(view) if view else None

    @strawberry.field(
        description="Decided cases in decision order; filter by flag or unit (staff, partners)."
    )
    async def award_decisions(
        self,
        info: Info,
        flagged: Annotated[
            bool | None, strawberry.argument(description="Only flagged (true) or unflagged.")
        ] = None,
        unit_code: Annotated[
            str | None, strawberry.argument(description="Only nominees of this unit code.")
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> AwardDecisionConnection:
        info.context.reader(*VIEW_READERS)
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
                node=AwardDecisionType.of(v),
            )
            for v in found[:size]
        ]
        return AwardDecisionConnection(
            edges=edges,
            page_info=PageInfo.of(
                [e.cursor for e in edges], has_next=len(found) > size, has_previous=bool(after)
            ),
        )

    @strawberry.field(
        description="Recompute a decision from the log as it stood at its facts position."
    )
    async def reevaluate_award_decision(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description=_ID)]
    ) -> AwardReevaluation:
        info.context.reader(*VIEW_READERS)
        services = info.context.services
        found = await services.awards.reevaluate(services.pool, _parse_id(id))
        if found is None:
            raise GraphQLError("no decided award with this id", extensions={"code": "NOT_FOUND"})
        return _reevaluation(found)

    @strawberry.field(
        description="Eligible, nominated and granted per unit and gender; counts <5 hidden."
    )
    async def award_fairness(
        self,
        info: Info,
        kind: Annotated[
            AwardKindEnum,
            strawberry.argument(description="The award counted."),
        ],
        year: Annotated[int, strawberry.argument(description="Year of the nominations counted.")],
    ) -> list[FairnessRow]:
        info.context.reader(*VIEW_READERS)
        counts = await views.fairness_counts(info.context.services.pool, str(kind.value), year)
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

"""Command handlers for awards: rule sets, nominations, decisions, revocations, penalties."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

from domain.award import Award, AwardOutcome, Evaluated
from domain.award_criteria import CriterionResult, evaluate
from domain.discipline import DisciplinaryPenalty, PenaltyLevel
from domain.employee import Employee
from domain.enrolment_rules import AdvancedTrainingOpportunity
from domain.errors import AlreadyExists, InvalidValue, NotFoundError, RuleBroken
from domain.evaluation import local_day
from domain.rule_set import AwardKind, RuleSet, RuleSetSpec, in_force
from projections import awards as views
from projections.recommendations import advanced_opportunities
from projections.sql import Reader
from service.auth.policy import HR_ACTORS
from service.auth.tokens import Role
from service.handlers.answers import AwardAnswer, PenaltyAnswer, RuleSetAnswer
from service.handlers.award_facts import nominee_facts, rule_sets_at
from service.handlers.envelope import Change, CommandContext, Done, NotAllowed, Repository
from service.handlers.identity import SubjectIds
from service.handlers.lookups import employee_by_nip
from service.log.store import EventStore


@dataclass(frozen=True)
class Reevaluation:
    """A decision recomputed from the log as it stood at the decision: stored vs recomputed."""

    award: views.AwardView
    stored: list[CriterionResult]
    recomputed: list[CriterionResult]
    rule_set: RuleSetSpec | None

    @property
    def rule_set_matches(self) -> bool:
        """The same rule set (id, version, hash) is in force as the decision recorded."""
        a = self.award
        return self.rule_set is not None and (
            self.rule_set.id,
            self.rule_set.version,
            self.rule_set.content_hash,
        ) == (a.rule_set_id, a.rule_set_version, a.rule_set_hash)

    @property
    def matches(self) -> bool:
        """Same rule set and, criterion by criterion, the same results and evidence."""
        return self.rule_set_matches and self.stored == self.recomputed


class AwardHandlers:
    """Handlers of the awards context; decisions read their facts from the log, not the views."""

    def __init__(self, repo: Repository, ids: SubjectIds) -> None:
        self.repo = repo
        self.ids = ids

    @property
    def store(self) -> EventStore:
        """The log the facts are read from."""
        return self.repo.store

    async def publish_rule_set(self, ctx: CommandContext, spec: RuleSetSpec) -> Done[RuleSetAnswer]:
        """Publish a rule set version (city-wide); a (kind, version) publishes once, unchanged."""
        ctx.require_city_wide_hr("publishing a rule set")
        duplicate = f"{spec.award_kind.value} version {spec.version} is already published"

        async def decide() -> Change[RuleSetAnswer]:
            if await self.repo.load(spec.id, RuleSet) is not None:
                raise AlreadyExists(duplicate, field="version")
            rule_set = RuleSet.publish(spec, ctx.now)
            answer = RuleSetAnswer(str(rule_set.id))
            return Change(answer, [rule_set], duplicate=("version", duplicate))

        return await self.repo.run(ctx, "publishRuleSet", RuleSetAnswer, decide)

    async def nominate(
        self, ctx: CommandContext, nip: str, kind: AwardKind, rationale: str
    ) -> Done[AwardAnswer]:
        """Nominate an employee (by HR or the employee's supervisor)."""
        ctx.require(*HR_ACTORS, Role.EVALUATOR)

        async def decide() -> Change[AwardAnswer]:
            employee = await self._employee(nip)
            employee.require_active()
            if ctx.principal.has(*HR_ACTORS):
                ctx.require_unit_scope(employee.unit_code)
            elif ctx.principal.sub != employee.supervisor_nip:
                raise NotAllowed("only HR or the nominee's supervisor may nominate them")
            award = Award.nominate(
                uuid4(), employee.id, employee.unit_code, kind, rationale, ctx.now
            )
            return Change(AwardAnswer(str(award.id)), [award], subject_id=employee.id)

        return await self.repo.run(ctx, "nominateForAward", AwardAnswer, decide)

    async def decide(
        self,
        ctx: CommandContext,
        nomination_id: str,
        outcome: AwardOutcome,
        justification: str | None,
    ) -> Done[AwardAnswer]:
        """Decide against the rule set in force, with the facts as the log stands now."""
        ctx.require(*HR_ACTORS)

        async def decide() -> Change[AwardAnswer]:
            award = await self._award(nomination_id, "nominationId")
            ctx.require_unit_scope(award.unit_code)
            position = await self.store.head()
            decided_on = local_day(ctx.now)
            rule_set, results = await self.evaluate_at(
                award.employee_id, award.kind, position, decided_on
            )
            if rule_set is None:
                raise RuleBroken("no_rule_set", f"no {award.kind.value} rule set is in force")
            award.decide(
                outcome, Evaluated(rule_set, results, position, decided_on), justification, ctx.now
            )
            return Change(
                AwardAnswer(str(award.id)),
                [award],
                subject_id=award.employee_id,
                reason=justification.strip() if justification else None,
            )

        return await self.repo.run(ctx, "decideAward", AwardAnswer, decide)

    async def revoke(self, ctx: CommandContext, award_id: str, reason: str) -> Done[AwardAnswer]:
        """Revoke a granted award, with a reason."""
        ctx.require(*HR_ACTORS)

        async def decide() -> Change[AwardAnswer]:
            award = await self._award(award_id, "id")
            ctx.require_unit_scope(award.unit_code)
            award.revoke(reason, ctx.now)
            return Change(
                AwardAnswer(str(award.id)),
                [award],
                subject_id=award.employee_id,
                reason=reason.strip(),
            )

        return await self.repo.run(ctx, "revokeAward", AwardAnswer, decide)

    async def record_penalty(
        self, ctx: CommandContext, nip: str, level: PenaltyLevel, on: date, reason: str
    ) -> Done[PenaltyAnswer]:
        """Record a disciplinary penalty (HR, ADMIN)."""
        ctx.require(*HR_ACTORS)

        async def decide() -> Change[PenaltyAnswer]:
            employee = await self._employee(nip)
            employee.require_active()
            ctx.require_unit_scope(employee.unit_code)
            penalty = DisciplinaryPenalty.record(
                uuid4(),
                employee.id,
                employee.unit_code,
                level,
                on,
                reason,
                local_day(ctx.now),
                ctx.now,
            )
            return Change(
                PenaltyAnswer(str(penalty.id), str(employee.id)), [penalty], subject_id=employee.id
            )

        return await self.repo.run(ctx, "recordDisciplinaryPenalty", PenaltyAnswer, decide)

    async def evaluate_at(
        self, employee_id: UUID, kind: AwardKind, position: int, on: date
    ) -> tuple[RuleSetSpec | None, list[CriterionResult]]:
        """The rule set in force on a day among those published by a position, and its results."""
        published = await rule_sets_at(self.store, position)
        rule_set = in_force([p.spec for p in published], kind, on)
        if rule_set is None:
            return None, []
        facts = await nominee_facts(self.store, employee_id, position)
        return rule_set, evaluate(rule_set, facts, on)

    async def reevaluate(self, db: Reader, award_id: UUID) -> Reevaluation | None:
        """Recompute a decision from the log as it stood at the decision's position."""
        award = await views.award_by_id(db, award_id)
        if award is None or award.facts_position is None or award.decided_on is None:
            return None
        rule_set, results = await self.evaluate_at(
            award.employee_id, AwardKind(award.kind), award.facts_position, award.decided_on
        )
        stored = [CriterionResult.from_data(c) for c in award.criteria or []]
        return Reevaluation(award, stored, results, rule_set)

    async def _employee(self, nip: str) -> Employee:
        return await employee_by_nip(self.repo, self.ids, nip)

    async def _award(self, award_id: str, field: str) -> Award:
        try:
            stream_id = UUID(award_id.strip())
        except ValueError:
            raise InvalidValue(field, f"{award_id!r} is not a valid id") from None
        try:
            award = await self.repo.load(stream_id, Award)
        except TypeError:
            award = None
        if award is None:
            raise NotFoundError(f"no award nomination with id {award_id}")
        return award


class AwardOpportunities:
    """Advanced-training opportunities: granted, unrevoked PRIORITAS_PENGEMBANGAN_KOMPETENSI."""

    def __init__(self, db: Reader) -> None:
        self.db = db

    async def granted(self, employee_id: UUID) -> Sequence[AdvancedTrainingOpportunity]:
        """One opportunity per such award, from the day it was granted."""
        return await advanced_opportunities(self.db, employee_id)

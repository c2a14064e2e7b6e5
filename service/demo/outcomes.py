"""The demo city's public-service outcomes: DPMPTSP's business-licence standard (5 days) and, per
quarter, its deliveries, satisfaction survey and complaints, improving through each year."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from domain.service_outcomes import DeliveryFigures
from service.auth.tokens import Principal, Role
from service.handlers.envelope import CommandContext
from service.handlers.outcomes import (
    PublishStandard,
    RecordComplaints,
    RecordDelivery,
    RecordSurvey,
)
from service.services import Services

UNIT, SERVICE = "DPMPTSP", "NIB"
HR = Principal(sub="196801011990031001", roles=frozenset({Role.HR, Role.ADMIN}))
# Within-standard share per quarter: 60% at the start of a year up to 85% at its end.
WITHIN = (0.60, 0.70, 0.78, 0.85)


def _quarter(year: int, index: int) -> tuple[date, date]:
    start = date(year, 1 + 3 * index, 1)
    following = date(year, 4 + 3 * index, 1) if index < 3 else date(year + 1, 1, 1)
    return start, following - timedelta(days=1)


def _ctx(day: date) -> CommandContext:
    now = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
    return CommandContext(principal=HR, now=now, correlation_id="seed-demo")


async def seed_outcomes(services: Services, first_year: int, last_year: int, seed: int) -> int:
    """Record DPMPTSP's outcomes for the years; the number of events appended."""
    rng = random.Random(f"outcomes:{seed}")
    handlers = services.outcomes
    standard = PublishStandard(UNIT, SERVICE, "Izin usaha (NIB)", 5, date(first_year, 1, 1))
    await handlers.publish_standard(_ctx(date(first_year, 1, 2)), standard)
    appended = 1
    for year in range(first_year, last_year + 1):
        for index, within in enumerate(WITHIN):
            start, end = _quarter(year, index)
            ctx = _ctx(end + timedelta(days=5))
            requests = rng.randint(380, 520)
            completed = requests - rng.randint(5, 30)
            figures = DeliveryFigures(
                requests, completed, round(completed * within), rng.choice([3.0, 3.5, 4.0]), "OSS"
            )
            await handlers.record_delivery(ctx, RecordDelivery(UNIT, SERVICE, start, end, figures))
            base = 3.05 + 0.15 * index
            scores = [round(base + rng.uniform(-0.1, 0.1), 2) for _ in range(9)]
            respondents = rng.randint(150, 320)  # fewer than required is flagged
            survey = RecordSurvey(UNIT, start, end, 1800, respondents, scores, "SKM DPMPTSP")
            await handlers.record_survey(ctx, survey)
            received = rng.randint(10, 40)
            complaints = RecordComplaints(
                UNIT, start, end, received, received - rng.randint(0, 5), 4.0, "SP4N-LAPOR!"
            )
            await handlers.record_complaints(ctx, complaints)
            appended += 3
    return appended

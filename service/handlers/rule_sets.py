"""The award rule sets a new city starts with: JSON data in handlers/rulesets, published once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from importlib import resources

from domain.rule_set import Criterion, RuleSet, RuleSetSpec, spec_of
from service.auth.tokens import Principal, Role
from service.handlers.envelope import CommandContext, Repository
from service.log.records import VersionConflictError

SYSTEM_ACTOR = "kinerja-system"


def default_rule_sets() -> list[RuleSetSpec]:
    """The rule sets shipped with the service, one JSON file each."""
    folder = resources.files("service.handlers") / "rulesets"
    specs = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            specs.append(
                spec_of(
                    data["award_kind"],
                    int(data["version"]),
                    date.fromisoformat(data["effective_from"]),
                    [Criterion.from_data(c).to_data() for c in data["criteria"]],
                )
            )
    return specs


async def ensure_default_rule_sets(repo: Repository, now: datetime | None = None) -> int:
    """Publish each shipped rule set that is not in the log yet; the number published."""
    at = now or datetime.now(UTC)
    ctx = CommandContext(
        principal=Principal(sub=SYSTEM_ACTOR, roles=frozenset({Role.ADMIN})), now=at
    )
    published = 0
    for spec in default_rule_sets():
        if await repo.load(spec.id, RuleSet) is not None:
            continue
        try:
            await repo.save(ctx, "publishRuleSet", RuleSet.publish(spec, at))
        except VersionConflictError:
            # Another process starting at the same moment published it first: same content.
            continue
        published += 1
    return published

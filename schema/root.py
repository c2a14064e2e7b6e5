"""The schema: feature query and mutation classes composed into one root each."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig

from schema.audit_queries import AuditQuery
from schema.award_mutations import AwardMutation
from schema.award_queries import AwardQuery
from schema.dialogue_mutations import DialogueMutation
from schema.history import HistoryQuery
from schema.input_builders import compile_inputs
from schema.organisation_mutations import OrganisationMutation
from schema.organisation_queries import OrganisationQuery
from schema.outcome_mutations import OutcomeMutation
from schema.performance_mutations import PerformanceMutation
from schema.performance_queries import PerformanceQuery
from schema.privacy import PrivacyMutation
from schema.programme_impact import ProgrammeImpactQuery
from schema.relay import RelayQuery
from schema.subscriptions import Subscription
from schema.training_mutations import TrainingMutation
from schema.training_queries import TrainingQuery
from schema.transparency import TransparencyQuery


@strawberry.type(description="Every read of the service.")
class Query(
    OrganisationQuery,
    AuditQuery,
    HistoryQuery,
    TransparencyQuery,
    TrainingQuery,
    PerformanceQuery,
    AwardQuery,
    ProgrammeImpactQuery,
    RelayQuery,
):
    pass


@strawberry.type(description="Every command of the service; each returns a result union.")
class Mutation(
    PrivacyMutation,
    OrganisationMutation,
    TrainingMutation,
    PerformanceMutation,
    AwardMutation,
    DialogueMutation,
    OutcomeMutation,
):
    pass


def build_schema(
    extensions: Sequence[Callable[[], SchemaExtension]] = (),
    schema_class: type[strawberry.Schema] = strawberry.Schema,
    config: StrawberryConfig | None = None,
) -> strawberry.Schema:
    """The GraphQL schema of kinerja; the service passes its request pipeline's steps."""
    schema = schema_class(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=list(extensions),
        config=config,
    )
    compile_inputs(schema)  # inputs built by a plan made once (schema/input_builders.py)
    return schema


def sdl() -> str:
    """The SDL the service prints (`kinerja schema`), committed as schema/schema.graphql."""
    return build_schema().as_str() + "\n"

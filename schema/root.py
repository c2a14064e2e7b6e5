"""The schema: feature query and mutation classes composed into one root each."""

from __future__ import annotations

import strawberry

from schema.audit import AuditQuery
from schema.organisation import OrganisationMutation, OrganisationQuery


@strawberry.type(description="Every read of the service.")
class Query(OrganisationQuery, AuditQuery):
    pass


@strawberry.type(description="Every command of the service; each returns a result union.")
class Mutation(OrganisationMutation):
    pass


def build_schema() -> strawberry.Schema:
    """The GraphQL schema of kinerja."""
    return strawberry.Schema(query=Query, mutation=Mutation)


def sdl() -> str:
    """The SDL the service prints (`kinerja schema`), committed as schema/schema.graphql."""
    return build_schema().as_str() + "\n"

"""The pipeline's document steps (5 to 8), one Strawberry schema extension for every transport.

Parse (cached by digest), the caller's rate limit, text checks, the allow-list, the limits with
the variables' values, validation with the introspection policy, the response cache around
execution, and coded, masked errors. `service.http.pipeline` describes the whole pipeline.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import graphql
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry import Schema
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.execution import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from service.auth.tokens import Principal, Role
from service.errors import ClientFacingError
from service.http.as_of_limit import AsOfFieldsRule
from service.http.limits import MAX_JSON_DEPTH, StringValuesRule, input_problem, limit_errors
from service.http.persisted import NotAllowListed, sent_hash
from service.http.response_cache import digest
from service.telemetry import metrics

if TYPE_CHECKING:
    from service.http.pipeline import Pipeline, PipelineConfig, RequestContext

log = logging.getLogger("kinerja.graphql")
STAFF = (Role.HR, Role.ADMIN, Role.AUDITOR, Role.INSPECTOR, Role.EVALUATOR)

_STAND_IN = graphql.parse("query { __typename }")


class PipelineSchema(Schema):
    """Strawberry's schema, minus its logging of every error: `coded` logs the unexpected ones
    once, with the request id; a refused document is the client's mistake, not an error here."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def refusal(message: str, code: str = "BAD_USER_INPUT", **more: Any) -> GraphQLError:
    """A pre-execution error: no path, the code in `extensions.code`."""
    return GraphQLError(message, extensions={"code": code, **more})


class PipelineExtension(SchemaExtension):
    """Steps 5 to 8 of the pipeline for one operation, on every transport."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.digest: str | None = None
        self.cached = False
        self.oversized: int | None = None
        self._streamed = False
        self.validated: tuple[str, bool] | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        limits = self.pipeline.config.limits
        context.parse_options["max_tokens"] = limits.max_tokens
        if context.query is not None and len(context.query) > limits.max_document_chars:
            # Never parsed: `on_validate` refuses it (the stand-in only lets Strawberry go on).
            self.oversized, context.graphql_document = len(context.query), _STAND_IN
        elif context.query is not None and context.graphql_document is None:
            self.digest = digest(context.query)
            cached = self.pipeline.documents.get(self.digest)
            if cached is not None:
                context.graphql_document, self.cached = cached, True
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        refused = self._refusals(context)
        if refused:
            context.pre_execution_errors = refused
        else:
            hidden = _hides_introspection(self.pipeline.config, context.context)
            policy = (NoSchemaIntrospectionCustomRule,) if hidden else ()
            context.validation_rules = (
                *context.validation_rules,
                StringValuesRule,
                AsOfFieldsRule,
                *policy,
            )
            # The same text under the same rules validates the same: skip graphql-core's pass.
            self.validated = (self.digest or "", hidden)
            if self.digest is not None and self.validated in self.pipeline.validated:
                context.pre_execution_errors = []
        yield
        if context.pre_execution_errors or self.digest is None or context.query is None:
            return
        if self.validated is not None:
            self.pipeline.validated.put(self.validated, True, len(self.digest))
        if not self.cached and context.graphql_document is not None:
            self.pipeline.documents.put(self.digest, context.graphql_document, len(context.query))
        caller = getattr(context.context, "principal", None)
        if caller is not None and sent_hash(context.operation_extensions or {}) == self.digest:
            self.pipeline.persisted.register(self.digest, context.query)

    def _refusals(self, context: ExecutionContext) -> list[GraphQLError]:
        request: RequestContext = context.context
        caller = request.principal.sub if request.principal else f"address:{request.client}"
        if wait := self.pipeline.callers.take(caller):
            message = f"too many requests: retry in {wait:g} s"
            return [refusal(message, "RATE_LIMITED", retryAfter=wait)]
        if self.oversized is not None:
            limit = self.pipeline.config.limits.max_document_chars
            message = f"the document is {self.oversized} characters long; the limit is {limit}"
            return [refusal(message)]
        if request.connection is not None and context.operation_type is OperationType.MUTATION:
            return [refusal("mutations are sent with HTTP POST, not over WebSocket")]
        problem = input_problem([context.query, context.variables], MAX_JSON_DEPTH)
        if problem is not None:
            return [refusal(problem)]
        try:
            self.pipeline.persisted.check(self.digest or "")
        except NotAllowListed as error:
            return [refusal(str(error), "FORBIDDEN")]
        return self._limit_errors(context)

    def _limit_errors(self, context: ExecutionContext) -> list[GraphQLError]:
        document = context.graphql_document
        assert document is not None
        variables = context.variables or {}
        within = None
        if self.digest is not None:
            # Within the limits once, within them again with the same values of the variables
            # the limits read (page sizes): the others (a mutation's input) change nothing.
            sizing = self.pipeline.sizing_of(self.digest, document)
            read = {name: variables[name] for name in sizing if name in variables}
            values = json.dumps(read, sort_keys=True, default=repr) if read else ""
            within = f"{self.digest}:{digest(values)}"
            if within in self.pipeline.within_limits:
                return []
        errors = limit_errors(document, self.pipeline.config.limits, self.pipeline.paged, variables)
        if not errors and within is not None:
            self.pipeline.within_limits.put(within, True, len(within))
        return errors

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        key = None
        views = self.pipeline.views
        if context.operation_type is not OperationType.MUTATION:
            # Queries and subscriptions read on the read side (a replica, when configured).
            read_side = getattr(context.context, "read_side", None)
            views = read_side() if read_side is not None else views
        if context.operation_type is OperationType.QUERY and self.digest is not None:
            assert context.graphql_document is not None
            tables = self.pipeline.read_set_of(self.digest, context.graphql_document)
            key = self.pipeline.responses.key(
                self.digest,
                context.variables,
                context.operation_name,
                _visibility(getattr(context.context, "principal", None)),
                await views.cache_positions(tables),
            )
            if (data := self.pipeline.responses.get(key)) is not None:
                metrics.CACHE.labels("hit").inc()
                context.result = ExecutionResult(data=data, errors=None)
                key = None
            else:
                metrics.CACHE.labels("miss").inc()
        yield
        result = context.result
        if key is not None and result is not None and not result.errors and result.data:
            self.pipeline.responses.put(key, result.data)

    def on_operation(self) -> Iterator[None]:
        yield
        if not self._streamed and self.execution_context.result is not None:
            self._code(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        self._streamed = True
        self._code(result)
        yield

    def _code(self, result: Any) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            request_id = getattr(self.execution_context.context, "request_id", "")
            result.errors = [coded(error, request_id) for error in errors]


def _hides_introspection(config: PipelineConfig, request: Any) -> bool:
    principal: Principal | None = getattr(request, "principal", None)
    return config.production and not (principal and principal.has(*STAFF))


def _visibility(principal: Principal | None) -> tuple[str, ...]:
    if principal is None:
        return ("anonymous",)
    # Everything service/auth/policy.py decides on: subject, roles, scopes and the `unit` limit.
    scopes = sorted(principal.scopes)
    return (principal.sub, *sorted(principal.roles), "|", *scopes, "|", principal.unit or "")


def _code_of(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    return "BAD_USER_INPUT" if error.path is None else "INTERNAL_SERVER_ERROR"


# Strawberry's own refusals of a request (no operation, an ambiguous one, a wrong type): no secret.
_REQUEST_ERRORS = (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)


def coded(error: GraphQLError, request_id: str) -> GraphQLError:
    """A client-facing error: unexpected failures masked, every error with `extensions.code`."""
    original = error.original_error
    if isinstance(original, ClientFacingError):
        extensions = {"code": original.code}
        message = str(original)
    elif original is not None and not isinstance(original, (GraphQLError, *_REQUEST_ERRORS)):
        log.error(
            "unexpected error in %s",
            error.path,
            exc_info=original,
            extra={"request_id": request_id},
        )
        extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        message = "Internal server error"
    else:
        extensions = {**(error.extensions or {}), "code": _code_of(error)}
        message = error.message
    metrics.ERRORS.labels(extensions["code"]).inc()
    return GraphQLError(
        message,
        error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )

"""GraphQL over HTTP (the GraphQL-over-HTTP specification): media types, status codes, limits.

`application/graphql-response+json` answers request errors (bad JSON, a document that does not
parse or validate, bad variables) with 400 and no `data`; `application/json` keeps the legacy
200. Queries may use GET; a mutation over GET is 405. Batched requests are refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from service.http.limits import MAX_JSON_DEPTH, input_problem

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


class RequestError(Exception):
    """The request is not a well-formed GraphQL request; answered before any execution."""

    def __init__(self, status: int, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


@dataclass(frozen=True)
class GraphQLRequest:
    """A parsed GraphQL-over-HTTP request."""

    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any]
    media_type: str


def negotiate(accept: str | None) -> str:
    """The response media type for an Accept header; 406 when neither type is acceptable."""
    if not accept:
        return JSON
    types = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    for kind in types:
        if kind == GRAPHQL_RESPONSE:
            return GRAPHQL_RESPONSE
        if kind in (JSON, "application/*", "*/*"):
            return JSON
    raise RequestError(406, f"responses are {GRAPHQL_RESPONSE} or {JSON}; Accept allows neither")


def _json_param(raw: str | None, name: str) -> dict[str, Any] | None:
    if raw is None or raw == "":
        return None
    value = _loads(raw, f"{name} must be a JSON object")
    if value is not None and not isinstance(value, dict):
        raise RequestError(400, f"{name} must be a JSON object")
    return value


def _from_mapping(params: dict[str, Any], media_type: str) -> GraphQLRequest:
    query = params.get("query")
    if query is not None and not isinstance(query, str):
        raise RequestError(400, "query must be a string")
    variables = params.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise RequestError(400, "variables must be a JSON object")
    name = params.get("operationName")
    if name is not None and not isinstance(name, str):
        raise RequestError(400, "operationName must be a string")
    extensions = params.get("extensions")
    if extensions is None:
        extensions = {}
    if not isinstance(extensions, dict):
        raise RequestError(400, "extensions must be a JSON object")
    if (problem := input_problem(params, MAX_JSON_DEPTH)) is not None:
        raise RequestError(400, problem)
    return GraphQLRequest(query, variables, name, extensions, media_type)


def _loads(raw: str | bytes, what: str) -> Any:
    """JSON, or a 400: malformed, or nested deeper than the parser's stack allows."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise RequestError(
            400, f"the request nests values more than {MAX_JSON_DEPTH} levels deep"
        ) from None
    except ValueError:
        raise RequestError(400, what) from None


def header_map(request: Request) -> dict[str, str]:
    """The request's headers by lower-case name, the first of a repeated one (as Starlette's
    `headers.get` answers): one pass, then a dictionary's look-ups."""
    found: dict[str, str] = {}
    for name, value in request.headers.raw:
        found.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return found


async def read_request(
    request: Request, headers: dict[str, str], media_type: str, max_body: int
) -> GraphQLRequest:
    """The GraphQL parameters of a GET or POST request (answered in `media_type`), or a
    RequestError."""
    if request.method == "GET":
        q = request.query_params
        params = {
            "query": q.get("query"),
            "variables": _json_param(q.get("variables"), "variables"),
            "operationName": q.get("operationName"),
            "extensions": _json_param(q.get("extensions"), "extensions"),
        }
        return _from_mapping(params, media_type)
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != JSON:
        raise RequestError(415, f"POST bodies must be {JSON}")
    body = await _read_body(request, headers.get("content-length"), max_body)
    params = _loads(body, "the body is not valid JSON")
    if isinstance(params, list):
        raise RequestError(400, "batched requests are not supported: send one operation a request")
    if not isinstance(params, dict):
        raise RequestError(400, "the body must be a JSON object")
    return _from_mapping(params, media_type)


async def _read_body(request: Request, declared: str | None, max_body: int) -> bytes:
    if declared is not None and declared.isdigit() and int(declared) > max_body:
        raise RequestError(413, f"the body is larger than {max_body} bytes", "PAYLOAD_TOO_LARGE")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_body:
            raise RequestError(
                413, f"the body is larger than {max_body} bytes", "PAYLOAD_TOO_LARGE"
            )
        chunks.append(chunk)
    return b"".join(chunks)

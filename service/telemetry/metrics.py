"""Prometheus metrics of the service (served at /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "kinerja_graphql_requests_total",
    "GraphQL requests by operation and status",
    ["operation", "status"],
)
LATENCY = Histogram(
    "kinerja_graphql_request_seconds", "GraphQL request latency by operation", ["operation"]
)
ERRORS = Counter("kinerja_graphql_errors_total", "GraphQL errors by code", ["code"])
EVENTS_APPENDED = Counter("kinerja_events_appended_total", "Events appended to the log")
PROJECTION_LAG = Gauge("kinerja_projection_lag_events", "Events the views are behind the log")
CACHE = Counter("kinerja_response_cache_total", "Response cache lookups", ["result"])
# runtime: failures of the supervised background loops (label: projector, checkpoints, log_feed).
BACKGROUND_FAILURES = Counter(
    "kinerja_background_failures_total",
    "Failures of a background loop; each one is logged and the loop restarted with backoff",
    ["loop"],
)
REPLICA_FALLBACKS = Counter(
    "kinerja_replica_fallbacks_total",
    "Reads with a minimum position the replica had not reached in time, answered by the primary",
)

"""Descriptions that many parts of the schema share, written once for partner developers."""

from __future__ import annotations

IDEMPOTENCY_KEY = (
    "Optional retry key: 1-200 ASCII letters, digits, `-`, `_`, `.` or `:`. A retry with the same"
    " key by the same caller returns the first answer and appends nothing."
)
EXPECTED_VERSION = (
    "Optional guard: the stream `version` you last read. If the stream has moved on, the answer is"
    " VersionConflict and nothing is appended."
)
FIRST = "Page size: at most 100 items (default 20)."
AFTER = "Opaque cursor: `endCursor` of the previous page of this connection; null: the start."
YEAR = "The calendar year (the cycle), e.g. 2026."
NIP = "The employee's NIP (18 digits, PNS) or NI PPPK; surrounding whitespace is ignored."
UNIT_CODE = "A unit's code, e.g. DINKES (case-insensitive)."
INPUT = "The command's fields (see the input type); all are checked before anything is appended."
PERIOD = "The evaluation period: a quarter or TAHUNAN (the year)."
ACTOR_ROLE = "The role the actor acted in (HR, EVALUATOR, ...); null if none was recorded."
RECORDED_AT = "When the log recorded the event (UTC)."
POSITION = "The event's position in the one log (1, 2, ...; gap-free)."
RESULT = "The mutation's `...Success`, or one of the shared errors; switch on `__typename`."
CURSOR = "Opaque cursor of this item; pass it as `after` to continue after it."
NODE = "The item."
EDGES = "The items of this page, each with its cursor."
PAGE_INFO = "Whether more follows, and the cursor to fetch it."

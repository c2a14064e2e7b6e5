"""Descriptions shared by many fields of the schema: said once, the same everywhere."""

IDEMPOTENCY_KEY = (
    "Optional retry key: the same key from the same caller returns the first result and appends"
    " nothing."
)
EXPECTED_VERSION = (
    "The stream version you last read; if it moved on, the answer is a VersionConflict."
)
NIP = "The employee's NIP (PNS) or NI PPPK: 18 digits."
FIRST = "Page size: at most 100 (default 20)."
AFTER = "An `endCursor` of this list: the page starts after it; null starts at the beginning."
CURSOR = "Opaque cursor of this item; pass it as `after` to continue after it."
NODE = "The item."
EDGES = "The items of this page, each with its cursor."
PAGE_INFO = "Whether more follows, and the cursor to fetch it."

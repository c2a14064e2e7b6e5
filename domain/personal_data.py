"""What is personal data in an event (UU 27/2022, PDP), and whose it is.

Each listed payload field is sealed under the key of its owner: `SUBJECT` means the person the
event concerns (the stream's subject); any other value names the event field holding the owner's
stream id. Erasing a person destroys their key, so these fields become unreadable everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SUBJECT = "subject"

PERSONAL_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "nip": SUBJECT,
        "name": SUBJECT,
        "feedback": SUBJECT,
        "behaviour_notes": SUBJECT,
        "notes": SUBJECT,
        "rating_justification": SUBJECT,
        "justification": SUBJECT,
        "rationale": SUBJECT,
        "objection_reason": SUBJECT,
        "supervisor_nip": "supervisor_id",
        # outcomes: the free text of public-service outcome events (ServiceStandard.Published /
        # Revised `name`, declared above; ServiceDelivery, SatisfactionSurvey and
        # ComplaintsReport `.Recorded` `source`). These streams concern a unit, not a person, so
        # they have no subject and nothing in them is sealed; declared as free text all the
        # same, for whatever masks free text by role.
        "source": SUBJECT,
    }
)

"""What each event carries that is personal data or free text (UU 27/2022, PDP): one declaration.

Every event type of `domain/` has one entry in `EVENT_FIELDS`, keyed by its audit name (the
aggregate's class name followed by the event's: `Evaluation.ObjectionFiled` is
`EvaluationObjectionFiled`), listing its string fields in three groups:

    "EvaluationObjectionFiled": Fields(
        free_text=("objection_reason",),
        public=("unit_code", "period"),
    ),

- `personal`: names and NIPs (an NIP holds a birth date).
- `free_text`: what a person wrote: notes, feedback, reasons, justifications, rationales.
- `public`: every other string field (codes, enum values, titles, document numbers), listed
  so that nothing becomes public by accident.
- `owners`: only when a personal or free-text field is about someone other than the event's
  subject: the field that holds that person's stream id (`{"supervisor_nip": "supervisor_id"}`).

Fields that hold no text (ids, numbers, dates, flags) need no entry. A string, a list of strings,
a dict of strings or a list of dicts is text. `tests/unit/test_personal_data.py` fails for an
event type without an entry, a text field in none of the groups, or a name that is no field.

What derives from it:
- sealing (`service/log/keyring.py`): personal and free-text fields are sealed under their owner's
  key, so erasing the owner destroys them, and `kinerja audit export` carries only ciphertext;
  a field about no person (a unit's override justification) has no owner and stays plain;
- `service/auth/policy.py` (`docs/security.md`): which role reads a field of a kind, for the
  `auditTrail` and `events` payloads and for every view field that shows such a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

SUBJECT = "subject"


class Kind(StrEnum):
    """What a field is, for sealing and for who may read it."""

    PERSONAL = "personal"
    FREE_TEXT = "free_text"
    PUBLIC = "public"


@dataclass(frozen=True)
class Fields:
    """The string fields of one event type, by kind (see the module docstring)."""

    personal: tuple[str, ...] = ()
    free_text: tuple[str, ...] = ()
    public: tuple[str, ...] = ()
    owners: Mapping[str, str] = field(default_factory=dict)

    def kind_of(self, name: str) -> Kind | None:
        """The declared kind of a field, or None for a field that holds no text."""
        if name in self.personal:
            return Kind.PERSONAL
        if name in self.free_text:
            return Kind.FREE_TEXT
        if name in self.public:
            return Kind.PUBLIC
        return None

    def sealed(self) -> dict[str, str]:
        """Each personal or free-text field with its owner (`SUBJECT` or an id field)."""
        return {f: self.owners.get(f, SUBJECT) for f in (*self.personal, *self.free_text)}


_EVALUATION = ("unit_code", "period")
_ASSESSMENT = ("suggested_results_rating", "results_rating", "behaviour_rating")
_ASSESSMENT_TEXT = ("rating_justification", "behaviour_notes", "feedback")
# Target ratings hold ratings and evidence references (document numbers, links); needs are
# competency areas.
_ASSESSMENT_PUBLIC = (*_EVALUATION, *_ASSESSMENT, "target_ratings", "development_needs")
_DISTRIBUTION = ("organization_predicate",)

EVENT_FIELDS: Mapping[str, Fields] = MappingProxyType(
    {
        "EmployeeRegistered": Fields(
            personal=("nip", "name", "supervisor_nip"),
            public=("employment_type", "unit_code", "position_kind", "position_title"),
            owners={"supervisor_nip": "supervisor_id"},
        ),
        "EmployeeTransferred": Fields(public=("from_unit", "to_unit")),
        "EmployeeSupervisorAssigned": Fields(
            personal=("supervisor_nip",), owners={"supervisor_nip": "supervisor_id"}
        ),
        "EmployeeSupervisionEnded": Fields(public=("cause",)),
        "EmployeeErased": Fields(),
        "UnitRegistered": Fields(public=("code", "name", "sector")),
        "PerformanceCycleOpened": Fields(),
        "PerformanceCycleClosed": Fields(),
        "PerformancePlanAgreed": Fields(public=("unit_code", "targets")),
        "PerformancePlanReagreed": Fields(public=("unit_code", "targets")),
        "EvaluationSubmitted": Fields(free_text=_ASSESSMENT_TEXT, public=_ASSESSMENT_PUBLIC),
        "EvaluationCorrected": Fields(
            free_text=("reason", *_ASSESSMENT_TEXT), public=_ASSESSMENT_PUBLIC
        ),
        "EvaluationFinalised": Fields(
            free_text=("override_justification",),
            public=(
                *_EVALUATION,
                *_DISTRIBUTION,
                "predicate",
                "results_rating",
                "behaviour_rating",
                "development_needs",
            ),
        ),
        "EvaluationObjectionFiled": Fields(free_text=("objection_reason",), public=_EVALUATION),
        "EvaluationObjectionUpheld": Fields(
            free_text=("reason", *_ASSESSMENT_TEXT, "override_justification"),
            public=(
                *_ASSESSMENT_PUBLIC,
                *_DISTRIBUTION,
                "previous_predicate",
                "predicate",
                "previous_development_needs",
            ),
        ),
        "EvaluationObjectionRejected": Fields(
            free_text=("reason",), public=(*_EVALUATION, "predicate")
        ),
        "UnitYearOpened": Fields(public=("unit_code",)),
        "UnitYearOrganizationPredicateSet": Fields(public=("unit_code", "predicate")),
        "UnitYearDistributionOverrideRecorded": Fields(
            free_text=("override_justification",), public=("unit_code",)
        ),
        "UnitYearAnnualPredicateRecorded": Fields(public=("unit_code", "predicate", "violations")),
        "PotentialAssessmentRecorded": Fields(public=("unit_code", "level")),
        "PotentialAssessmentReassessed": Fields(public=("unit_code", "level")),
        "DisciplinaryPenaltyRecorded": Fields(free_text=("notes",), public=("unit_code", "level")),
        "RuleSetPublished": Fields(public=("award_kind", "criteria", "content_hash")),
        "AwardNominated": Fields(free_text=("rationale",), public=("unit_code", "kind")),
        "AwardDecided": Fields(
            free_text=("justification",),
            public=("unit_code", "kind", "outcome", "rule_set_hash", "criteria"),
        ),
        "AwardRevoked": Fields(free_text=("reason",), public=("kind",)),
        # Resource persons (narasumber) are outsiders named on a public programme: no key of
        # theirs exists, so they stay readable; views hide their names from a partner without pii.
        "TrainingProgramPublished": Fields(
            public=(
                "code",
                "title",
                "kind",
                "competency_area",
                "provider",
                "sector",
                "resource_persons",
            )
        ),
        "TrainingProgramRetired": Fields(free_text=("reason",)),
        "TrainingEnrolmentEnrolled": Fields(
            public=("unit_code", "competency_area", "development_need")
        ),
        "TrainingCompletionRecorded": Fields(
            public=(
                "unit_code",
                "employment_type",
                "program_code",
                "competency_area",
                "kind",
                "certificate_number",
                "development_needs_met",
            ),
        ),
        "TrainingCompletionRevoked": Fields(
            free_text=("reason",), public=("development_needs_met",)
        ),
        "PerformanceDialogueRecorded": Fields(
            free_text=("notes", "agreed_actions"), public=("unit_code", "period", "kind")
        ),
        # Public-service outcomes concern a unit, not a person: the service's name and the
        # source system of the figures are public facts.
        "ServiceStandardPublished": Fields(public=("unit_code", "service_code", "name")),
        "ServiceStandardRevised": Fields(public=("unit_code", "service_code", "name")),
        "ServiceDeliveryRecorded": Fields(public=("unit_code", "service_code", "source")),
        "SatisfactionSurveyRecorded": Fields(
            public=("unit_code", "element_scores", "ikm", "grade", "source")
        ),
        "ComplaintsReportRecorded": Fields(public=("unit_code", "source")),
    }
)
"""Every event type's string fields by kind; add an entry with every new event type."""

PERSONAL_FIELDS: Mapping[str, str] = MappingProxyType(
    {name: owner for fields in EVENT_FIELDS.values() for name, owner in fields.sealed().items()}
)
"""Every sealed field name of any event type with its owner: the fallback for an unknown type."""


def fields_of(event_type: str) -> Fields | None:
    """The declaration of an event type (its audit name), or None for an unknown type."""
    return EVENT_FIELDS.get(event_type)


def sealed_fields(event_type: str) -> Mapping[str, str]:
    """The fields sealing protects in an event of this type, each with its owner."""
    declared = EVENT_FIELDS.get(event_type)
    return PERSONAL_FIELDS if declared is None else declared.sealed()

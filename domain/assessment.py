"""What an evaluator decides in an evaluation: per-target ratings, the two ratings, notes, needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain.errors import InvalidValue
from domain.plan import PlanTarget
from domain.rating import CoreValue, Predicate, Rating, predicate_for, suggest_results_rating
from domain.values import require_text

MAX_EVIDENCE = 20
MAX_NEEDS = 20


@dataclass(frozen=True)
class TargetRating:
    """The rating of one plan target (by its index in the plan) with its evidence (bukti dukung)."""

    target_index: int
    rating: Rating
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssessmentDraft:
    """The evaluator's input, parsed into domain values but not yet checked against the rules."""

    target_ratings: Sequence[TargetRating]
    behaviour_rating: Rating
    behaviour_notes: Sequence[tuple[CoreValue, str]] | None
    feedback: str | None
    results_rating: Rating | None = None
    rating_justification: str | None = None
    development_needs: Sequence[str] | None = None


@dataclass(frozen=True)
class Assessment:
    """A checked assessment: the results rating is the suggestion unless justified otherwise."""

    target_ratings: list[dict[str, Any]]
    suggested_results_rating: Rating
    results_rating: Rating
    rating_justification: str | None
    behaviour_rating: Rating
    behaviour_notes: dict[str, str]
    feedback: str
    development_needs: list[str]

    @property
    def predicate(self) -> Predicate:
        """The predicate the matrix derives from the results and behaviour ratings."""
        return predicate_for(self.results_rating, self.behaviour_rating)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Assessment:
        """The assessment recorded in an event's fields."""
        return cls(
            target_ratings=list(data["target_ratings"]),
            suggested_results_rating=Rating(data["suggested_results_rating"]),
            results_rating=Rating(data["results_rating"]),
            rating_justification=data["rating_justification"],
            behaviour_rating=Rating(data["behaviour_rating"]),
            # Notes and feedback read as None once the employee's personal data is erased.
            behaviour_notes=dict(data["behaviour_notes"] or {}),
            feedback=data["feedback"] or "",
            development_needs=list(data["development_needs"]),
        )

    @classmethod
    def of_event(cls, event: object) -> Assessment:
        """The assessment an event carries among its fields (submitted, corrected, revised)."""
        return cls.from_data({k: getattr(event, k) for k in cls.__dataclass_fields__})

    def to_data(self) -> dict[str, Any]:
        """The event fields of this assessment (enums as their values)."""
        return {
            "target_ratings": self.target_ratings,
            "suggested_results_rating": self.suggested_results_rating.value,
            "results_rating": self.results_rating.value,
            "rating_justification": self.rating_justification,
            "behaviour_rating": self.behaviour_rating.value,
            "behaviour_notes": self.behaviour_notes,
            "feedback": self.feedback,
            "development_needs": self.development_needs,
        }


def assess(targets: Sequence[PlanTarget], draft: AssessmentDraft) -> Assessment:
    """Check a draft against the plan's targets and the rating rules."""
    rated = _target_ratings(targets, draft.target_ratings)
    suggested = suggest_results_rating([(Rating(r["rating"]), r["main"]) for r in rated])
    results = draft.results_rating or suggested
    justification = (draft.rating_justification or "").strip() or None
    if results is not suggested and justification is None:
        raise InvalidValue(
            "ratingJustification",
            f"a results rating other than the suggested {suggested.value} needs a justification",
        )
    if justification is not None and len(justification) > 2000:
        raise InvalidValue("ratingJustification", "ratingJustification is at most 2000 characters")
    if draft.feedback is None:
        raise InvalidValue("feedback", "feedback must not be empty")
    return Assessment(
        target_ratings=rated,
        suggested_results_rating=suggested,
        results_rating=results,
        rating_justification=justification,
        behaviour_rating=draft.behaviour_rating,
        behaviour_notes=_behaviour_notes(draft.behaviour_notes),
        feedback=require_text("feedback", draft.feedback, max_length=4000),
        development_needs=_development_needs(draft.development_needs),
    )


def _target_ratings(
    targets: Sequence[PlanTarget], ratings: Sequence[TargetRating]
) -> list[dict[str, Any]]:
    if not ratings:
        raise InvalidValue("targetRatings", "at least one rated work target is needed")
    seen: set[int] = set()
    rated: list[dict[str, Any]] = []
    for item in ratings:
        if not 0 <= item.target_index < len(targets):
            raise InvalidValue(
                "targetIndex",
                f"targetIndex {item.target_index} is not a target of the plan "
                f"(0-{len(targets) - 1})",
            )
        if item.target_index in seen:
            raise InvalidValue("targetIndex", f"target {item.target_index} is rated twice")
        seen.add(item.target_index)
        if len(item.evidence) > MAX_EVIDENCE:
            raise InvalidValue("evidence", f"at most {MAX_EVIDENCE} pieces of evidence a target")
        target = targets[item.target_index]
        rated.append(
            {
                "target_index": item.target_index,
                "title": target.title,
                "main": target.main,
                "rating": item.rating.value,
                "evidence": [require_text("evidence", e, max_length=500) for e in item.evidence],
            }
        )
    return rated


def _behaviour_notes(notes: Sequence[tuple[CoreValue, str]] | None) -> dict[str, str]:
    given: dict[str, str] = {}
    for value, note in notes or ():
        if value.value in given:
            raise InvalidValue("behaviourNotes", f"{value.value} has more than one note")
        given[value.value] = require_text("behaviourNotes", note, max_length=2000)
    missing = [v.value for v in CoreValue if v.value not in given]
    if missing:
        raise InvalidValue(
            "behaviourNotes",
            f"every BerAKHLAK core value needs a note; missing: {', '.join(missing)}",
        )
    return {v.value: given[v.value] for v in CoreValue}


def _development_needs(needs: Sequence[str] | None) -> list[str]:
    areas: list[str] = []
    for need in needs or ():
        area = require_text("developmentNeeds", need, max_length=200)
        if area not in areas:
            areas.append(area)
    if len(areas) > MAX_NEEDS:
        raise InvalidValue("developmentNeeds", f"at most {MAX_NEEDS} development needs")
    return areas

"""The personal-data declaration covers every event type and every text field of `domain/`."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from typing import Any

from eventsourcing.domain import DomainEvent

import domain
from domain.personal_data import EVENT_FIELDS, PERSONAL_FIELDS, SUBJECT, Kind, sealed_fields
from service.log.codec import event_type_name

_BASE = {"originator_id", "originator_version", "timestamp", "originator_topic"}
_TEXT_TYPES = (str, list, dict)


def domain_events() -> dict[str, type[DomainEvent]]:
    """Every eventsourcing event class defined under `domain/`, by its audit name."""
    found: dict[str, type[DomainEvent]] = {}
    for module in pkgutil.iter_modules(domain.__path__):
        loaded = importlib.import_module(f"domain.{module.name}")
        for _, owner in inspect.getmembers(loaded, inspect.isclass):
            if owner.__module__ != loaded.__name__:
                continue
            for _, event in inspect.getmembers(owner, inspect.isclass):
                if issubclass(event, DomainEvent) and event.__qualname__.startswith(
                    owner.__qualname__ + "."
                ):
                    fields = _fields(event)
                    topic = f"{event.__module__}:{event.__qualname__}"
                    if fields or event.__name__ not in ("Event", "Created"):
                        found[event_type_name(topic)] = event
    return found


def _fields(event: type[DomainEvent]) -> dict[str, Any]:
    hints = typing.get_type_hints(event)
    return {
        k: v
        for k, v in hints.items()
        if k not in _BASE and typing.get_origin(v) is not typing.ClassVar
    }


def _holds_text(hint: Any) -> bool:
    if hint in (str, Any):
        return True
    origin = typing.get_origin(hint)
    if origin in _TEXT_TYPES:
        return True
    return any(_holds_text(a) for a in typing.get_args(hint))


def test_every_event_type_of_the_domain_is_declared_and_nothing_else() -> None:
    events = domain_events()
    assert "EvaluationObjectionFiled" in events and "EmployeeRegistered" in events
    assert sorted(set(events) - set(EVENT_FIELDS)) == [], "declare these in EVENT_FIELDS"
    assert sorted(set(EVENT_FIELDS) - set(events)) == [], "no such event types"


def test_every_text_field_is_personal_free_text_or_public() -> None:
    undeclared = [
        f"{name}.{field}"
        for name, event in domain_events().items()
        for field, hint in _fields(event).items()
        if _holds_text(hint) and EVENT_FIELDS[name].kind_of(field) is None
    ]
    assert undeclared == [], "declare each as personal, free_text or public"


def test_every_declared_name_is_a_field_in_one_group_and_owners_are_id_fields() -> None:
    for name, event in domain_events().items():
        declared = EVENT_FIELDS[name]
        fields = _fields(event)
        groups = (*declared.personal, *declared.free_text, *declared.public)
        assert len(groups) == len(set(groups)), f"{name}: a field in two groups"
        assert set(groups) <= set(fields), f"{name}: {set(groups) - set(fields)}"
        for field, owner in declared.owners.items():
            assert declared.kind_of(field) in (Kind.PERSONAL, Kind.FREE_TEXT), (name, field)
            assert owner in fields and not _holds_text(fields[owner]), (name, owner)


def test_names_nips_and_the_known_free_texts_are_sealed() -> None:
    assert sealed_fields("EmployeeRegistered") == {
        "nip": SUBJECT,
        "name": SUBJECT,
        "supervisor_nip": "supervisor_id",
    }
    assert sealed_fields("EvaluationObjectionFiled") == {"objection_reason": SUBJECT}
    assert sealed_fields("DisciplinaryPenaltyRecorded") == {"notes": SUBJECT}
    assert "override_justification" in sealed_fields("EvaluationFinalised")
    assert sealed_fields("UnitRegistered") == {}
    assert sealed_fields("NoSuchEvent") == PERSONAL_FIELDS

"""Resource persons (narasumber) of a workshop or seminar: name, expertise, institution."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain.errors import InvalidValue
from domain.values import require_text

MAX_RESOURCE_PERSONS = 20


@dataclass(frozen=True)
class ResourcePerson:
    """Someone who teaches in a programme; an outsider, named in their public capacity."""

    name: str
    expertise: str
    institution: str | None = None

    @classmethod
    def parse(cls, name: str, expertise: str, institution: str | None = None) -> ResourcePerson:
        """Check each field; the error names the input field at fault."""
        return cls(
            name=require_text("resourcePersons.name", name, max_length=200),
            expertise=require_text("resourcePersons.expertise", expertise, max_length=200),
            institution=None
            if institution is None or not institution.strip()
            else require_text("resourcePersons.institution", institution, max_length=200),
        )

    def to_data(self) -> dict[str, Any]:
        return {"name": self.name, "expertise": self.expertise, "institution": self.institution}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ResourcePerson:
        return cls(data["name"], data["expertise"], data.get("institution"))


def require_resource_persons(persons: Sequence[ResourcePerson]) -> tuple[ResourcePerson, ...]:
    """At most twenty, each named once."""
    if len(persons) > MAX_RESOURCE_PERSONS:
        raise InvalidValue(
            "resourcePersons", f"at most {MAX_RESOURCE_PERSONS} resource persons a programme"
        )
    names = [" ".join(p.name.split()).casefold() for p in persons]
    if len(set(names)) != len(names):
        raise InvalidValue("resourcePersons", "a resource person is named more than once")
    return tuple(persons)

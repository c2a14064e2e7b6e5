"""Verifying the log: the hash chain, the Merkle tree and the signed checkpoints.

Works on any stream of events and checkpoint notes, so the same code checks an export offline
(no database, no service) and the live database.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from service.audit.checkpoint import parse_note, verify_signed_checkpoint
from service.audit.merkle import MerkleTree
from service.log.hashchain import GENESIS, record_hash, timestamp_text
from service.log.records import RecordedEvent


def event_to_json(event: RecordedEvent) -> dict[str, Any]:
    """One exported event: every stored column, bytes as base64 or hex."""
    return {
        "kind": "event",
        "position": event.position,
        "stream_id": str(event.stream_id),
        "stream_version": event.stream_version,
        "event_type": event.event_type,
        "topic": event.topic,
        "type_version": event.type_version,
        "payload": base64.b64encode(event.payload).decode(),
        "metadata": event.metadata,
        "subject_id": str(event.subject_id) if event.subject_id else None,
        "recorded_at": timestamp_text(event.recorded_at),
        "effective_date": event.effective_date.isoformat() if event.effective_date else None,
        "hash": event.hash.hex(),
    }


def event_from_json(data: dict[str, Any]) -> RecordedEvent:
    """The stored event an export line describes."""
    return RecordedEvent(
        position=int(data["position"]),
        stream_id=UUID(data["stream_id"]),
        stream_version=int(data["stream_version"]),
        event_type=str(data["event_type"]),
        topic=str(data["topic"]),
        type_version=int(data["type_version"]),
        payload=base64.b64decode(data["payload"]),
        metadata=dict(data["metadata"]),
        subject_id=UUID(data["subject_id"]) if data.get("subject_id") else None,
        recorded_at=datetime.strptime(data["recorded_at"], "%Y-%m-%dT%H:%M:%S.%f%z"),
        effective_date=date.fromisoformat(data["effective_date"])
        if data.get("effective_date")
        else None,
        hash=bytes.fromhex(data["hash"]),
    )


@dataclass
class VerificationReport:
    """What a verification found; `first_bad_position` names where the log breaks.

    `covered` is the largest size a verified signed checkpoint vouches for; events after it are
    intact as far as the chain goes, but no signature commits to them yet.
    """

    events: int = 0
    checkpoints: int = 0
    published: int = 0
    first_bad_position: int | None = None
    problems: list[str] = field(default_factory=list)
    covered: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def uncovered(self) -> int:
        """How many events no verified signed checkpoint covers."""
        return max(self.events - self.covered, 0)


@dataclass(frozen=True)
class _Note:
    text: str
    source: str | None  # where a published checkpoint was found; None: part of the log itself
    may_be_later: bool  # a published checkpoint newer than an export is no fault of the export


class LogVerifier:
    """Feed it events in position order and checkpoint notes; `finish` returns the report."""

    def __init__(self, public_key_b64: str | None) -> None:
        self._public_key = public_key_b64
        self._previous = GENESIS
        self._tree = MerkleTree()
        self._notes: list[_Note] = []
        self.report = VerificationReport()

    def _bad(self, position: int, problem: str) -> None:
        if self.report.first_bad_position is None:
            self.report.first_bad_position = position
        self.report.problems.append(problem)

    def add_event(self, event: RecordedEvent) -> None:
        """Check one event's place in the chain and add its hash to the tree."""
        expected_position = self._tree.size + 1
        if event.position != expected_position:
            self._bad(
                expected_position,
                f"position {expected_position} is missing (next found: {event.position})",
            )
        recomputed = record_hash(self._previous, event)
        if recomputed != event.hash:
            self._bad(event.position, f"event at position {event.position} does not match its hash")
        # Continue from the stored hash, so one bad event is reported once, not at every later one.
        self._previous = event.hash
        self._tree.append(event.hash)
        self.report.events += 1

    def add_checkpoint(
        self, note: str, source: str | None = None, *, may_be_later: bool = False
    ) -> None:
        """A checkpoint of the log (`source` None) or one published elsewhere (at `source`)."""
        self._notes.append(_Note(note, source, may_be_later))

    def add_problem(self, position: int, problem: str) -> None:
        """A fault found outside the events, e.g. an unreadable published checkpoint."""
        self._bad(position, problem)

    def finish(self) -> VerificationReport:
        """Check every checkpoint's signature and its root against the tree."""
        seen: set[tuple[str, str | None]] = set()
        for note in self._notes:
            if (note.text, note.source) not in seen:
                seen.add((note.text, note.source))
                self._check(note)
        return self.report

    def _check(self, note: _Note) -> None:
        if note.source is None:
            self.report.checkpoints += 1
        else:
            self.report.published += 1
        try:
            signed = parse_note(note.text)
        except ValueError as error:
            name = f"published checkpoint {note.source}" if note.source else "a checkpoint"
            self._bad(self._tree.size + 1, f"{name} is not a valid signed note: {error}")
            return
        size = signed.checkpoint.size
        name = (
            f"published checkpoint {note.source} (size {size})"
            if note.source
            else (f"checkpoint at size {size}")
        )
        if self._public_key and not verify_signed_checkpoint(signed, self._public_key):
            self._bad(size, f"{name}: the signature does not verify")
            return
        if size > self._tree.size:
            if note.may_be_later:
                self.report.notes.append(f"{name} is newer than this export ({self._tree.size})")
                return
            self._bad(
                self._tree.size + 1,
                f"{name} covers events the log no longer has"
                f" (log size {self._tree.size}): the log is not consistent with it",
            )
        elif self._tree.root(size) != signed.checkpoint.root_hash:
            self._bad(size, f"{name}: the Merkle root does not match the log")
        else:
            self.report.covered = max(self.report.covered, size)

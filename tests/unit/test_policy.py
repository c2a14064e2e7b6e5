"""Properties of the policy: rights of several roles are the union of each role's, masking
follows the declaration, and nobody without a role reads anything protected."""

from __future__ import annotations

from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from domain.personal_data import EVENT_FIELDS, Kind
from service.audit.reader import MASK, mask_payload
from service.auth.policy import INSPECTED_TEXT, Access, Subject
from service.auth.tokens import Principal, Role

PEOPLE = [UUID(int=i) for i in range(1, 4)]
NIPS = ["198503152010011002", "197001012000011001"]
UNITS = ["DINKES", "DISDIK"]
FIELDS = [(t, f) for t, d in EVENT_FIELDS.items() for f in (*d.personal, *d.free_text, *d.public)]

subjects = st.builds(
    Subject,
    id=st.sampled_from([None, *PEOPLE]),
    nip=st.sampled_from([None, *NIPS]),
    unit_code=st.sampled_from([None, *UNITS]),
    supervisor_id=st.sampled_from([None, *PEOPLE]),
)
callers = st.builds(
    Principal,
    sub=st.sampled_from([*NIPS, "app-1"]),
    roles=st.frozensets(st.sampled_from(list(Role))),
    scopes=st.frozensets(st.sampled_from(["pii", "events"])),
    unit=st.sampled_from([None, *UNITS]),
)
own_ids = st.sampled_from([None, *PEOPLE])


@given(callers, own_ids, subjects, st.sampled_from(FIELDS))
def test_several_roles_read_exactly_what_one_of_them_reads(
    principal: Principal, own: UUID | None, subject: Subject, where: tuple[str, str]
) -> None:
    event_type, field = where
    combined = Access(principal, own).reads_field(event_type, field, subject)
    each = [
        Access(Principal(principal.sub, frozenset({r}), principal.scopes, principal.unit), own)
        for r in principal.roles
    ]
    assert combined == any(a.reads_field(event_type, field, subject) for a in each)


@given(callers, own_ids, subjects, st.sampled_from(FIELDS))
def test_without_roles_or_without_pii_nothing_protected_is_read(
    principal: Principal, own: UUID | None, subject: Subject, where: tuple[str, str]
) -> None:
    event_type, field = where
    kind = EVENT_FIELDS[event_type].kind_of(field)
    nobody = Access(Principal(principal.sub, frozenset(), principal.scopes, principal.unit), own)
    partner = Access(Principal("app-1", frozenset({Role.PARTNER}), frozenset({"events"})), own)
    auditor = Access(Principal("auditor-1", frozenset({Role.AUDITOR})), own)
    assert not nobody.reads_field(event_type, field, subject)
    assert partner.reads_field(event_type, field, subject) is (kind is Kind.PUBLIC)
    assert auditor.reads_field(event_type, field, subject)


@given(st.sampled_from(sorted(EVENT_FIELDS)), st.text(min_size=1), subjects)
def test_a_payload_shows_a_protected_field_only_to_whom_the_policy_allows(
    event_type: str, value: str, subject: Subject
) -> None:
    declared = EVENT_FIELDS[event_type]
    payload = {f: value for f in (*declared.personal, *declared.free_text, *declared.public)}
    inspector = Access(Principal("inspector-1", frozenset({Role.INSPECTOR})))
    shown = mask_payload(payload, event_type, inspector, subject)
    for field in declared.free_text:
        readable = field in INSPECTED_TEXT.get(event_type, frozenset())
        assert shown[field] == (value if readable else MASK)
    for field in (*declared.personal, *declared.public):
        assert shown[field] == value


@given(callers, own_ids, subjects)
def test_a_caller_who_reads_every_name_reads_the_name_of_each_subject(
    principal: Principal, own: UUID | None, subject: Subject
) -> None:
    """The once-per-caller shortcut never opens a name the per-person decision would close."""
    access = Access(principal, own)
    if access.reads_every_name:
        assert access.reads(Kind.PERSONAL, subject)


def test_only_subject_free_roles_read_every_name() -> None:
    everyone = {Role.AUDITOR, Role.ADMIN, Role.EVALUATOR, Role.INSPECTOR}
    for role in Role:
        plain = Access(Principal(sub="app-1", roles=frozenset({role})))
        assert plain.reads_every_name is (role in everyone)
    partner = Principal(sub="app-1", roles=frozenset({Role.PARTNER}), scopes=frozenset({"pii"}))
    assert Access(partner).reads_every_name
    assert not Access(None).reads_every_name

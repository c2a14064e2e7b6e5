"""The NIP value object: valid numbers pass, each broken part is named."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import InvalidValue
from domain.values import EmploymentType, Gender, Nip

VALID = "198503152010011002"


def test_a_valid_nip_exposes_its_parts() -> None:
    nip = Nip.parse(VALID)
    assert nip.birth_date == date(1985, 3, 15)
    assert nip.tmt == date(2010, 1, 1)
    assert nip.gender is Gender.MALE


@pytest.mark.parametrize(
    ("raw", "part"),
    [
        ("19850315201001100", "18 digits"),
        ("1985031520100110021", "18 digits"),
        ("19850315201001100A", "digits only"),
        ("198502302010011002", "birth date"),
        ("198503152010131002", "month 13"),
        ("198503152002011002", "18th birthday"),
        ("198503152010013002", "gender"),
        ("198503152010011000", "serial"),
    ],
)
def test_each_broken_part_is_named(raw: str, part: str) -> None:
    with pytest.raises(InvalidValue) as error:
        Nip.parse(raw)
    assert error.value.field == "nip"
    assert part in error.value.message


def test_pppk_numbers_need_only_a_real_birth_date() -> None:
    assert Nip.parse("199001012021212001", EmploymentType.PPPK).value == "199001012021212001"
    with pytest.raises(InvalidValue):
        Nip.parse("199002302021212001", EmploymentType.PPPK)


def test_years_of_service_count_whole_years_from_the_tmt() -> None:
    nip = Nip.parse(VALID)
    assert nip.years_of_service_on(date(2019, 12, 31)) == 9
    assert nip.years_of_service_on(date(2020, 1, 1)) == 10

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gridgov.households.choices import Sex
from gridgov.households.identity import parse_id_number
from tests.households.conftest import id_number


def test_an_id_number_gives_its_birth_date_and_sex():
    facts = parse_id_number(" " + id_number(dt.date(1950, 3, 14), 11).lower() + " ")
    assert facts.birth_date == dt.date(1950, 3, 14)
    assert facts.sex == Sex.MALE
    assert parse_id_number(id_number(dt.date(2001, 12, 31), 22)).sex == Sex.FEMALE


def test_a_wrong_check_digit_is_refused():
    good = id_number(dt.date(1980, 1, 1))
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        parse_id_number(wrong)


def test_an_old_fifteen_digit_number_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError, match="15"):
        parse_id_number("330402500314001")


@pytest.mark.parametrize("born", ["19800230", "19801301"])
def test_a_birth_date_that_is_not_a_real_day_is_refused(born):
    first17 = f"330402{born}001"
    from gridgov.core.validators import id_number_check_character

    with pytest.raises(ValidationError):
        parse_id_number(first17 + id_number_check_character(first17))


def test_a_birth_date_in_the_future_is_refused():
    with pytest.raises(ValidationError):
        parse_id_number(id_number(dt.date(2030, 1, 1)), today=dt.date(2025, 1, 1))

"""ID numbers (GB 11643-1999): the check character, a real birth date not in the future, the
sex from the 17th digit; old 15-digit numbers refused in Chinese; fast enough for a million."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gridgov.households.identity import IdFacts, id_number_for, parse_id_number

VALID = "33040219900101006X"  # born 1990-01-01, order code 006: even, a woman


def message(error: pytest.ExceptionInfo) -> str:
    return error.value.messages[0]


def test_a_valid_number_gives_its_birth_date_and_sex():
    assert parse_id_number(VALID) == IdFacts(VALID, dt.date(1990, 1, 1), "female")


def test_an_odd_seventeenth_digit_is_a_man():
    number = id_number_for("330411", dt.date(1955, 7, 31), 13)
    assert parse_id_number(number).sex == "male"


def test_spaces_and_a_small_x_are_normalised():
    assert parse_id_number(" 330402 19900101 006x ").number == VALID


def test_a_wrong_check_digit_is_refused_in_chinese():
    with pytest.raises(ValidationError) as error:
        parse_id_number(VALID[:17] + "1")
    assert message(error) == "身份证号码校验位不正确，请核对号码。"


def test_an_impossible_birth_date_is_refused():
    first17 = "33040219900230006"  # 30 February
    from gridgov.core.validators import id_number_check_character

    with pytest.raises(ValidationError) as error:
        parse_id_number(first17 + id_number_check_character(first17))
    assert "出生日期" in message(error)


def test_a_birth_date_in_the_future_is_refused():
    number = id_number_for("330402", dt.date(2030, 1, 1), 11)
    with pytest.raises(ValidationError):
        parse_id_number(number, today=dt.date(2029, 12, 31))
    assert parse_id_number(number, today=dt.date(2030, 1, 1)).birth_date == dt.date(2030, 1, 1)


def test_an_old_fifteen_digit_number_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        parse_id_number("330402900101006")
    assert "15 位" in message(error) and "18 位" in message(error)


@pytest.mark.parametrize("text", ["", "abc", "3304021990010100", "3304021990010100XX", "X" * 18])
def test_other_shapes_are_refused(text):
    with pytest.raises(ValidationError):
        parse_id_number(text)


def test_the_demo_numbers_are_valid_for_every_day_and_order_code():
    day = dt.date(1930, 1, 1)
    for n in range(0, 30_000, 37):
        born = day + dt.timedelta(days=n)
        facts = parse_id_number(id_number_for("330411", born, n))
        assert facts.birth_date == born and facts.sex == ("male" if n % 1000 % 2 else "female")

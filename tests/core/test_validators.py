"""The national-standard identifiers: GB 32100-2015 unified social credit codes."""

import pytest
from django.core.exceptions import ValidationError

from gridgov.core.validators import uscc_check_character, validate_uscc


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", "12330402MB1234567P"])
def test_real_and_well_formed_codes_pass(code):
    validate_uscc(code)
    validate_uscc(code.lower())  # people type them in lower case too


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19
        "913501O0M000100Y43",  # O is not in the alphabet
        "91AB0100M000100Y43",  # the area code must be digits
        "",
    ],
)
def test_wrong_codes_are_refused(code):
    with pytest.raises(ValidationError):
        validate_uscc(code)


def test_the_check_character_is_the_modulus_31_complement():
    # Σ code × weight over the first 17 is 0 mod 31 when the check is 0.
    assert uscc_check_character("00000000000000000") == "0"

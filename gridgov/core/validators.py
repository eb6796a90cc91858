"""Validators for identifiers defined by national standards."""

import operator
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The longest free text anyone writes on a work item: a citizen's description, a staff
# member's description, note or reason alike.
MAX_TEXT = 4000

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def id_number_check_character(first17: str) -> str:
    """GB 11643-1999 check character (ISO 7064 MOD 11-2) of a citizen ID number."""
    if len(first17) != len(_ID_WEIGHTS):
        raise ValueError("the first 17 characters of an ID number")
    total = sum(map(operator.mul, map(int, first17), _ID_WEIGHTS))  # a million times an import
    return _ID_CHECK[total % 11]


def validate_id_number(value: str) -> None:
    text = value.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise ValidationError(_("A citizen ID number has 17 digits and a check digit or X."))
    if id_number_check_character(text[:17]) != text[17]:
        raise ValidationError(_("The ID number's check digit is wrong; please check the number."))


def validate_phone(value: str) -> None:
    text = re.sub(r"[\s]", "", value)
    if not (_MOBILE.match(text) or _LANDLINE.match(text)):
        raise ValidationError(
            _("Enter an 11-digit mobile number or a landline such as 0573-82345678.")
        )


# GB 32100-2015 统一社会信用代码: 18 characters from 31 (no I, O, Z, S, V); the last is a check
# character over the first 17, modulus 31.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC = re.compile(rf"[{_USCC_CHARS}]{{2}}\d{{6}}[{_USCC_CHARS}]{{10}}")


def uscc_check_character(first17: str) -> str:
    """The GB 32100-2015 check character of a unified social credit code's first 17."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    text = value.strip().upper()
    if not _USCC.fullmatch(text):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters "
                "other than I, O, Z, S and V, with a 6-digit area code in places 3 to 8."
            )
        )
    if uscc_check_character(text[:17]) != text[17]:
        raise ValidationError(
            _("The unified social credit code's check character is wrong; please check the code.")
        )

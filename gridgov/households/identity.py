"""What a citizen ID number (GB 11643-1999) tells about its holder: birth date and sex.

An import checks a million of these, so the checks are plain string work: one precompiled
pattern, the check character from `gridgov.core.validators`, a date built from the digits.
"""

import datetime as dt
import re
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.validators import id_number_check_character

from .choices import Sex

_EIGHTEEN = re.compile(r"\d{17}[\dX]")
_FIFTEEN = re.compile(r"\d{15}")


class IdFacts(NamedTuple):
    number: str  # normalised: no spaces, a capital X
    birth_date: dt.date
    sex: str  # a `Sex` value


def parse_id_number(text: str, *, today: dt.date | None = None) -> IdFacts:
    """The facts of an 18-character ID number, or ValidationError saying in Chinese what is
    wrong: its shape, its check character, its birth date (a real day, not in the future).

    Old 15-digit numbers (no check character, two-digit years) are refused: every holder was
    issued an 18-character number, and the ledger keys people by it."""
    number = text.strip().replace(" ", "").upper()
    if not _EIGHTEEN.fullmatch(number):
        if _FIFTEEN.fullmatch(number):
            raise ValidationError(
                _("A 15-digit ID number is an old one; enter the holder's 18-character number.")
            )
        raise ValidationError(_("A citizen ID number has 17 digits and a check digit or X."))
    if id_number_check_character(number[:17]) != number[17]:
        raise ValidationError(_("The ID number's check digit is wrong; please check the number."))
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The ID number's birth date is not a real date.")) from None
    if born > (today or timezone.localdate()) or born.year < 1880:
        raise ValidationError(_("The ID number's birth date is not a possible one."))
    # The 17th digit: odd for men, even for women.
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return IdFacts(number, born, sex.value)


def id_number_for(area_code: str, born: dt.date, sequence: int) -> str:
    """A valid ID number for a person of `area_code` (6 digits) born on `born`; `sequence`
    (0–999) is the order code, whose parity gives the sex (odd: male). For demo data."""
    first17 = f"{area_code[:6]}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_number_check_character(first17)

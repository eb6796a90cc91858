"""What a citizen ID number (GB 11643-1999) says about its holder: the birth date (places 7–14)
and the sex (place 17: odd for men, even for women). Ledgers never ask for either; they read
them from the number, so the two can never disagree."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.pii import normalise
from gridgov.core.validators import validate_id_number

from .choices import Sex


@dataclass(frozen=True)
class IdFacts:
    number: str  # normalised: no spaces, capital X
    birth_date: dt.date
    sex: str  # a Sex value


def parse_id_number(text: str, *, today: dt.date | None = None) -> IdFacts:
    """The facts of an 18-character ID number; ValidationError (in Chinese) when the number is
    malformed, its check digit is wrong, it is an old 15-digit number, or its birth date is not
    a real day up to today."""
    number = normalise(text or "")
    if len(number) == 15 and number.isdigit():
        raise ValidationError(
            _(
                "This is an old 15-digit ID number; enter the 18-character number on the "
                "person's current ID card."
            )
        )
    validate_id_number(number)
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The ID number's birth date (places 7 to 14) is not a real date.")
        ) from None
    if born > (today or timezone.localdate()) or born.year < 1870:
        raise ValidationError(_("The ID number's birth date (places 7 to 14) is not possible."))
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return IdFacts(number=number, birth_date=born, sex=sex)

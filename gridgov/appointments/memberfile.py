"""A member list as a file (名单), Excel or CSV: one row per member, a name and a mobile
number. Every row is checked on its own and against the rows above it (a phone twice in the
file); the good rows are handed back beside the problems of the others, by row and column."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from gridgov.core.csvfiles import file_records, parse_records
from gridgov.core.csvfiles import problem as file_problem
from gridgov.core.pii import digest

NAME = "姓名"
PHONE = "手机号"
COLUMNS = [NAME, PHONE]
FIELD_COLUMNS = {"name": NAME, "phone": PHONE}


@dataclass(frozen=True)
class MemberRow:
    row: int
    name: str
    phone: str
    digest: str


def _parse(row: int, cells: list[str]):
    from .actions import clean_member

    name, phone, found = clean_member(cells[0], cells[1])
    if found:
        return None, [
            file_problem(row, FIELD_COLUMNS[p["field"]], p["message"], where="row") for p in found
        ]
    return MemberRow(row, name, phone, digest(phone)), []


def _twice_in_file(rows: list[MemberRow]) -> list[dict]:
    first, problems = {}, []
    for r in rows:
        if r.digest in first:
            reason = _("The same phone as row %(row)d.") % {"row": first[r.digest]}
            problems.append(file_problem(r.row, PHONE, reason, where="row"))
        else:
            first[r.digest] = r.row
    return problems


def read_member_file(data: bytes, filename: str) -> tuple[list[MemberRow], list[dict]]:
    return parse_records(
        file_records(data, filename), COLUMNS, _parse, check=_twice_in_file, where="row"
    )

"""How a model's rows relate to a reader's region and department: declared on every model, read
by the scoping gate (`gridgov.org.scoping`). It lives on the ground floor so that the models of
every app, the regions' and core's own included, can declare it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ScopeRule:
    """How a model's rows relate to a scope.

    region: lookup from the model to its Region ("" when the model is Region itself), or None
        when rows are not tied to a place.
    department: lookup to the responsible Department ("" when the model is Department), or None
        when rows do not belong to a department.
    all_staff: reference data that every active staff member may read (still nothing for
        people without a staff post).
    owner: lookup to the user a row belongs to (an upload, a job); only they see it.
    department_many: the department lookup crosses a to-many relation (an event's assigned
        units); it is then tested with a subquery, so rows are never repeated.
    filed_by: lookup to the user who filed a row (a report); they see it whatever their scope.
    seen_from_inside: a row for a whole area (a county's canvass) is also seen by the staff
        working inside that area (a grid worker of one of its grids), not only from above.
    """

    region: str | None = None
    department: str | None = None
    all_staff: bool = False
    owner: str | None = None
    department_many: bool = False
    filed_by: str | None = None
    seen_from_inside: bool = False

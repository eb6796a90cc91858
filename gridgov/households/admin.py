"""The ledgers in the admin: browse and search only. Every change goes through the actions
(checked and audited); ID numbers and phones appear masked, never in full."""

from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin

from . import models

PII = ["id_number", "id_digest", "phone", "phone_digest"]
PLACES = ["city", "county", "town", "village", "grid", "microgrid"]


@admin.register(models.Building)
class BuildingAdmin(ReadOnlyAdmin):
    list_display = ["address_code", "name", "address", "microgrid"]
    search_fields = ["address_code", "address", "name"]
    list_select_related = ["microgrid"]
    raw_id_fields = PLACES


@admin.register(models.House)
class HouseAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "use", "microgrid"]
    list_filter = ["use"]
    list_select_related = ["building", "microgrid"]
    raw_id_fields = ["building", *PLACES]


@admin.register(models.UnitPlacement)
class UnitPlacementAdmin(ReadOnlyAdmin):
    list_display = ["target", "building"]
    list_select_related = ["target", "building"]
    raw_id_fields = ["target", "building"]


@admin.register(models.Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["number", "house", "size", "village"]
    search_fields = ["number"]
    list_select_related = ["house__building", "village"]
    raw_id_fields = ["house", *PLACES]


@admin.register(models.Resident)
class ResidentAdmin(ReadOnlyAdmin):
    list_display = ["name", "masked_id_number", "masked_phone", "household", "presence", "colour"]
    list_filter = ["presence", "residence", "colour", "sex"]
    list_select_related = ["household"]
    # Personal fields stay masked here too; revealing them is an audited action.
    exclude = PII
    readonly_fields = ["masked_id_number", "masked_phone"]
    raw_id_fields = ["household", *PLACES]


@admin.register(models.Move)
class MoveAdmin(ReadOnlyAdmin):
    list_display = ["resident", "kind", "on", "household", "recorded_by"]
    list_filter = ["kind"]
    list_select_related = ["resident", "household", "recorded_by"]
    raw_id_fields = ["resident", "household", "recorded_by"]


@admin.register(models.SpecialGroup)
class SpecialGroupAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "min_age", "max_age", "living_alone", "is_active"]


@admin.register(models.ColourRule)
class ColourRuleAdmin(ReadOnlyAdmin):
    list_display = ["name", "colour", "order", "is_active"]


@admin.register(models.ColourChange)
class ColourChangeAdmin(ReadOnlyAdmin):
    list_display = ["resident", "previous", "colour", "source", "changed_at"]
    list_select_related = ["resident"]
    raw_id_fields = ["resident", "rule", "canvass", "changed_by"]


@admin.register(models.Canvass)
class CanvassAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "region", "status", "starts_on", "ends_on"]
    list_filter = ["status"]
    list_select_related = ["region"]


@admin.register(models.Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["canvass", "staff", "level", "region"]
    list_select_related = ["canvass", "staff", "region"]


@admin.register(models.Canvassed)
class CanvassedAdmin(ReadOnlyAdmin):
    list_display = ["canvass", "household", "state", "visits"]
    list_filter = ["state"]
    list_select_related = ["canvass", "household"]
    raw_id_fields = ["canvass", "household", *PLACES]


@admin.register(models.Coverage)
class CoverageAdmin(ReadOnlyAdmin):
    list_display = ["canvass", "region", "households_visited", "households_total"]
    list_select_related = ["canvass", "region"]


@admin.register(models.Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["canvassed", "outcome", "visitor", "visited_at"]
    list_filter = ["outcome"]
    list_select_related = ["canvassed__canvass", "canvassed__household", "visitor"]


@admin.register(models.Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["visit", "resident", "seen"]
    list_select_related = ["visit", "resident"]


@admin.register(models.RetentionPeriod)
class RetentionPeriodAdmin(ReadOnlyAdmin):
    list_display = ["record", "days", "action"]

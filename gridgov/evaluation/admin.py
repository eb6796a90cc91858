"""Administrators keep indicator sets and their indicators here, through the actions (checked
and audited); evaluations are read-only (computed and published through the actions)."""

from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin, ThroughActions

from .actions import check_indicator, do_delete_indicator, do_save_indicator, do_save_indicator_set
from .models import Evaluation, Indicator, IndicatorSet


@admin.register(IndicatorSet)
class IndicatorSetAdmin(ThroughActions):
    save_action = staticmethod(do_save_indicator_set)
    list_display = ["code", "name", "area", "unit_kind", "is_active"]
    list_filter = ["unit_kind", "is_active"]
    raw_id_fields = ["area"]
    list_select_related = ["area"]


@admin.register(Indicator)
class IndicatorAdmin(ThroughActions):
    save_action = staticmethod(do_save_indicator)
    delete_action = staticmethod(do_delete_indicator)
    check_action = staticmethod(check_indicator)
    list_display = ["indicator_set", "code", "name", "source", "weight", "direction", "rule"]
    list_filter = ["indicator_set", "rule", "direction"]
    list_select_related = ["indicator_set"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["indicator_set", "month", "status", "computed_at", "published_at"]
    list_filter = ["status"]
    list_select_related = ["indicator_set"]

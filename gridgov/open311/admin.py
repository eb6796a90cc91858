from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin

from .models import ClientApplication, PublicService, ServiceAttribute


@admin.register(PublicService)
class PublicServiceAdmin(ReadOnlyAdmin):
    list_display = ["category", "is_public", "keywords"]
    list_select_related = ["category", "category__parent"]


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(ReadOnlyAdmin):
    list_display = ["service", "code", "datatype", "required", "order"]


@admin.register(ClientApplication)
class ClientApplicationAdmin(ReadOnlyAdmin):
    list_display = ["name", "prefix", "contact", "created_at", "revoked_at"]
    exclude = ["key_digest"]

from django.contrib import admin

from art28.core.admin import ReadOnlyAdmin
from art28.inventory.models import Asset, Flow, Placement, Service, Site


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "city", "country", "country_source", "operator")


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ("name",)


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdmin):
    list_display = ("ref", "kind", "site", "parent", "location", "service")
    list_filter = ("kind", "location")
    search_fields = ("ref",)
    raw_id_fields = ("parent",)


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    list_display = ("customer", "asset", "data_categories", "subject_categories", "subjects", "records")
    search_fields = ("customer__ref", "asset__ref")
    list_select_related = ("customer", "asset")


@admin.register(Flow)
class FlowAdmin(ReadOnlyAdmin):
    list_display = ("asset", "kind", "to_asset", "to_site", "to_country")
    list_filter = ("kind",)
    list_select_related = ("asset", "to_asset", "to_site")

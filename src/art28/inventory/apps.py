from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "art28.inventory"
    label = "inventory"
    verbose_name = "Inventory: sites, assets, placements, flows"

from django.apps import AppConfig


class ExitsConfig(AppConfig):
    name = "landcycle.exits"
    label = "exits"
    verbose_name = "腾退与收回"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the files of a parcel and an enterprise gain 腾退案件 (registry.hooks), the map the colouring "exits",
        # the ranking the indicator low_yield_cleared_mu (kit.indicators), the ledgers their three kinds
        from . import registry_hooks  # noqa: PLC0415 -- models must be loaded first
        from .ledger import register_kinds  # noqa: PLC0415 -- idem

        registry_hooks.register()
        register_kinds()

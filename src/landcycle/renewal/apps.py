from django.apps import AppConfig


class RenewalConfig(AppConfig):
    name = "landcycle.renewal"
    label = "renewal"
    verbose_name = "老旧工业区块改造提升"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the ranking's indicator renewal_progress (kit.indicators), the ledgers (import / export / template), the map
        # colouring and the parcel's section (registry.hooks)
        from landcycle.kit.indicators import register_indicator  # noqa: PLC0415 -- app registry not ready at load

        from . import registry_hooks  # noqa: PLC0415 -- idem
        from .indicators import SOURCE  # noqa: PLC0415 -- idem
        from .ledger import register_kinds  # noqa: PLC0415 -- idem

        register_indicator(SOURCE)
        register_kinds()
        registry_hooks.register()

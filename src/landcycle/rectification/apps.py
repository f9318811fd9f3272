from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "landcycle.rectification"
    label = "rectification"
    verbose_name = "整改台账"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the files of enterprises, parcels and parks show the tasks that name them and their evidence, and the
        # top bar's search finds tasks and inspections (registry.hooks, registry.search; the registry never
        # imports this app)
        from . import registry_hooks  # noqa: PLC0415 -- app registry not ready at load
        from .policy import register_county_policy  # noqa: PLC0415 -- idem
        from .ranking_indicators import register as register_ranking  # noqa: PLC0415 -- idem

        registry_hooks.register()
        register_ranking()  # the quarterly town ranking's figures this app owns (kit.indicators)
        register_county_policy()  # a county may keep its own rectification rules (countypolicy)

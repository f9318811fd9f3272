from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExitsConfig(AppConfig):
    name = "landcycle.exits"
    label = "exits"
    verbose_name = "腾退与收回"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the files of a parcel and an enterprise gain 腾退案件 (registry.hooks), the map the colouring "exits",
        # the ranking the indicator low_yield_cleared_mu (kit.indicators), the ledgers their three kinds, and the
        # case list exports as the vacating_cases ledger (kit.exports)
        from landcycle.kit.exports import ListExport, register  # noqa: PLC0415 -- app registry not ready at load

        from . import registry_hooks  # noqa: PLC0415 -- models must be loaded first
        from .ledger import register_kinds  # noqa: PLC0415 -- idem
        from .views.cases import case_rows  # noqa: PLC0415 -- idem

        registry_hooks.register()
        register_kinds()
        register(ListExport("vacating_cases", "vacating_cases", _("腾退案件台账"), case_rows, "exit_case_list"))

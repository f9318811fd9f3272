from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdmissionConfig(AppConfig):
    name = "landcycle.admission"
    label = "admission"
    verbose_name = "项目准入"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the applications ledger joins the ledger machinery (import / export / template), the list exports as that
        # ledger (kit.exports), and a park's page shows its entry rules (registry.hooks)
        from landcycle.kit.exports import ListExport, register  # noqa: PLC0415 -- app registry not ready at load

        from . import registry_hooks  # noqa: PLC0415 -- idem
        from .ledger import register_kinds  # noqa: PLC0415 -- idem
        from .policy import register_county_policy  # noqa: PLC0415 -- idem
        from .ranking_indicators import register as register_ranking  # noqa: PLC0415 -- idem
        from .views.applications import application_rows  # noqa: PLC0415 -- idem

        register_kinds()
        register(ListExport("applications", "applications", _("项目准入申请"), application_rows, "application_list"))
        registry_hooks.register()
        register_ranking()  # the quarterly town ranking's figures this app owns (kit.indicators)
        register_county_policy()  # a county may keep its own entry rules (countypolicy), checked by this app's parser

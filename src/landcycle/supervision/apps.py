from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "landcycle.supervision"
    label = "supervision"
    verbose_name = "监管预警"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # the app's ledgers join the ledger machinery's register (ledgers never imports this app), and the
        # contract list exports as the contract ledger (kit.exports)
        from landcycle.kit.exports import ListExport, register  # noqa: PLC0415 -- app registry not ready at load

        from .ledger import register_kinds  # noqa: PLC0415 -- idem
        from .selectors import contract_rows  # noqa: PLC0415 -- idem

        register_kinds()
        register(ListExport("contracts", "contracts", _("供地合同台账"), contract_rows, "contract_list"))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "landcycle.supervision"
    label = "supervision"
    verbose_name = "监管预警"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # models are loaded only once the app registry is ready: the registrations import them here
        from landcycle.kit.exports import ListExport, register  # noqa: PLC0415 -- app registry not ready at load

        from . import registry_hooks  # noqa: PLC0415 -- idem
        from .convert import register_county_policy  # noqa: PLC0415 -- idem
        from .ledger import register_kinds  # noqa: PLC0415 -- idem
        from .ranking_indicators import register as register_ranking  # noqa: PLC0415 -- idem
        from .selectors import contract_rows  # noqa: PLC0415 -- idem

        # the app's ledgers join the ledger machinery's register (ledgers never imports this app), the contract
        # list exports as the contract ledger (kit.exports), and the parcel map gains 按预警着色 (registry.hooks)
        register_kinds()
        register(ListExport("contracts", "contracts", _("供地合同台账"), contract_rows, "contract_list"))
        registry_hooks.register()
        register_ranking()  # the quarterly town ranking's figures this app owns (kit.indicators)
        register_county_policy()  # a county may keep its own warning rules (countypolicy), checked by this app's parser
        # a refresh writes days overdue, fees and its date without an audit entry per warning: kept pages
        # (kit.pagecache) key on where the refreshes stand too
        from landcycle.kit.pagecache import register_state  # noqa: PLC0415 -- idem

        from .selectors import refresh_marker  # noqa: PLC0415 -- idem

        register_state(refresh_marker)

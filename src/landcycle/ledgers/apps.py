from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "landcycle.ledgers"
    label = "ledgers"
    verbose_name = "台账导入导出"

    def ready(self):
        # the ledger exporter answers ?export= on every list registered in kit.exports (kit never imports ledgers)
        from landcycle.kit.exports import set_handler  # noqa: PLC0415 -- app registry not ready at load

        from .lists import list_export_response  # noqa: PLC0415 -- idem

        set_handler(list_export_response)

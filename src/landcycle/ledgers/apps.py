from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "landcycle.ledgers"
    label = "ledgers"
    verbose_name = "台账导入导出"

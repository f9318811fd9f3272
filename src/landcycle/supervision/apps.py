from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "landcycle.supervision"
    label = "supervision"
    verbose_name = "监管预警"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # the app's ledgers join the ledger machinery's register (ledgers never imports this app)
        from .ledger import register_kinds  # noqa: PLC0415 -- models are importable only once the app registry is ready

        register_kinds()

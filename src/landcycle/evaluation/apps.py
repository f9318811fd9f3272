from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "landcycle.evaluation"
    label = "evaluation"

    def ready(self):
        # the app's ledgers join the ledger machinery's register (ledgers never imports this app)
        from .ledger_kinds import register_kinds  # noqa: PLC0415 -- app registry not ready at load

        register_kinds()

from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "landcycle.evaluation"
    label = "evaluation"

    def ready(self) -> None:
        from . import registry_hooks  # noqa: PLC0415 -- models are loaded only once the app registry is ready

        registry_hooks.register()

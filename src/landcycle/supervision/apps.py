from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "landcycle.supervision"
    label = "supervision"
    verbose_name = "监管预警"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import registry_hooks  # noqa: PLC0415 -- models are loaded only once the app registry is ready

        registry_hooks.register()

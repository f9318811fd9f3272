from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "landcycle.supervision"
    label = "supervision"
    verbose_name = "监管预警"
    default_auto_field = "django.db.models.BigAutoField"

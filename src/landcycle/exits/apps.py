from django.apps import AppConfig


class ExitsConfig(AppConfig):
    name = "landcycle.exits"
    label = "exits"
    verbose_name = "腾退与收回"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "landcycle.rectification"
    label = "rectification"
    verbose_name = "整改台账"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class RenewalConfig(AppConfig):
    name = "landcycle.renewal"
    label = "renewal"
    verbose_name = "老旧工业区块改造提升"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class CountyPolicyConfig(AppConfig):
    name = "landcycle.countypolicy"
    label = "countypolicy"
    verbose_name = "本县政策"
    default_auto_field = "django.db.models.BigAutoField"

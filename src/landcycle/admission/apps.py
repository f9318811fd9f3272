from django.apps import AppConfig


class AdmissionConfig(AppConfig):
    name = "landcycle.admission"
    label = "admission"
    verbose_name = "项目准入"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "landcycle.audit"
    label = "audit"

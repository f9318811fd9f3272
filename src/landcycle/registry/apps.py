from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "landcycle.registry"
    label = "registry"

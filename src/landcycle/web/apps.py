from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "landcycle.web"
    label = "web"

from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "landcycle.evaluation"
    label = "evaluation"

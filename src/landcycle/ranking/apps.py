from django.apps import AppConfig


class RankingConfig(AppConfig):
    name = "landcycle.ranking"
    label = "ranking"
    verbose_name = "镇街季度赛马"
    default_auto_field = "django.db.models.BigAutoField"

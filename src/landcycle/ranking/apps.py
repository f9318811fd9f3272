from django.apps import AppConfig


class RankingConfig(AppConfig):
    name = "landcycle.ranking"
    label = "ranking"
    verbose_name = "镇街季度赛马"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the quarterly ledger of hand-entered indicators joins the ledger machinery (import / export / template)
        from .ledger import register_kinds  # noqa: PLC0415 -- app registry not ready at load
        from .policy import register_county_policy  # noqa: PLC0415 -- idem

        register_kinds()
        register_county_policy()  # a county may keep its own index (countypolicy), checked by this app's parser

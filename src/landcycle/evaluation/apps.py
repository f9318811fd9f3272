from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "landcycle.evaluation"
    label = "evaluation"

    def ready(self) -> None:
        # models are loaded only once the app registry is ready: the registrations import them here
        from . import registry_hooks  # noqa: PLC0415 -- app registry not ready at load
        from .ledger_kinds import register_kinds  # noqa: PLC0415 -- idem
        from .ranking_indicators import register as register_ranking  # noqa: PLC0415 -- idem

        # the app's ledgers join the ledger machinery's register (ledgers never imports this app), and its
        # panels the registry's enterprise page (registry.hooks)
        register_kinds()
        registry_hooks.register()
        # the quarterly town ranking's figures that evaluation owns (kit.indicators)
        register_ranking()
        # a job's stage and progress are written without audit entries: kept pages (kit.pagecache) key on them
        from landcycle.kit.pagecache import register_state  # noqa: PLC0415 -- idem

        from .selectors import job_marker  # noqa: PLC0415 -- idem

        register_state(job_marker)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "landcycle.registry"
    label = "registry"

    def ready(self):
        # the lists that export as a ledger (kit.exports); their rows come from the same selectors as the pages
        from landcycle.kit.exports import ListExport, register  # noqa: PLC0415 -- app registry not ready at load

        from .ranking_indicators import register as register_ranking  # noqa: PLC0415 -- idem
        from .search import register_registry_search  # noqa: PLC0415 -- idem
        from .selectors import enterprise_rows, parcel_rows, park_rows  # noqa: PLC0415 -- idem

        register(ListExport("parks", "parks", _("园区台账"), park_rows, "park_list"))
        register(ListExport("parcels", "parcels", _("地块台账"), parcel_rows, "parcel_list"))
        register(ListExport("enterprises", "enterprises", _("企业台账"), enterprise_rows, "enterprise_list"))
        # the top bar's search finds enterprises, parcels and parks (registry.search; the apps above add theirs)
        register_registry_search()
        register_ranking()  # the quarterly town ranking's figures this app owns (kit.indicators)

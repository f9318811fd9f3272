"""The applications ledger (项目准入申请台账, ``rules.admission.ledger.APPLICATIONS``) in the ledger machinery:
``landcycle export / template / import applications``. An import registers new applications as drafts of the
park's town and updates drafts (and returned ones) by their number — all or nothing, each problem located at its
row and column; a submitted or decided application is never changed by a file. The check itself runs when the
town submits (or with ``landcycle admit`` on the same file, without a database)."""

from __future__ import annotations

from landcycle.accounts.scope import Area, in_scope
from landcycle.ledgers.columns import Column
from landcycle.ledgers.importers.base import Col, Importer
from landcycle.ledgers.kinds import EXAMPLE_USCC, Kind, register
from landcycle.ledgers.lookup import fetch_in
from landcycle.registry.models import Enterprise, Park
from landcycle.rules.admission.application import FIGURE_FIELDS, figure_problems
from landcycle.rules.admission.ledger import APPLICATIONS
from landcycle.rules.problems import Problem

from .models import Application
from .services.applications import OPEN, figures_of

EXAMPLES = {
    "land_mu": "20",
    "total_investment": "5000",
    "fixed_investment": "4000",
    "revenue": "6000",
    "tax": "200",
    "value_added": "3000",
    "energy_tce": "1000",
    "emissions_t": "2",
    "rd_expense": "180",
    "staff": "120",
    "plot_ratio": "1.5",
    "building_density": "40",
    "green_share": "15",
    "office_share": "5",
}


def _figure(name: str) -> Column:
    return Column(name, lambda a: getattr(a, name), width=12, example=EXAMPLES.get(name))


def _applied_on(a: Application):
    revs = sorted(a.revisions.all(), key=lambda r: r.number)  # prefetched
    return revs[-1].submitted_on if revs else None


COLUMNS = (
    Column("number", lambda a: a.number, width=16, example="ZR-XP-2026-001"),
    Column("project", lambda a: a.project, width=28, example="年产50万台智能家电项目"),
    Column("applicant", lambda a: a.applicant, width=28, example="慈溪市新浦智能家电有限公司"),
    Column(
        "uscc",
        lambda a: a.enterprise.uscc if a.enterprise_id else a.applicant_uscc,
        width=22,
        example=EXAMPLE_USCC,
    ),
    Column("park", lambda a: a.park.code, width=16, example="P330282112-02"),
    Column("park_kind", lambda a: a.park.kind, width=12, example="industrial"),
    Column("industry_code", lambda a: a.industry_code, width=10, example="3851"),
    *(_figure(n) for n in FIGURE_FIELDS),
    Column("applied_on", _applied_on, width=12, example="2026-03-02"),
)


class ApplicationImporter(Importer):
    kind = "applications"
    schema = APPLICATIONS
    model = Application
    areas = (Area.LEDGERS, Area.ADMISSION)
    cols = (
        Col("project", "project"),
        Col("applicant", "applicant_name", "blank"),
        Col("uscc", "applicant_uscc", "blank"),
        Col("industry_code", "industry_code", "blank"),
        *(Col(n, n, "null") for n in FIGURE_FIELDS),
    )
    field_of = {"applicant_name": "applicant", "applicant_uscc": "uscc", "town": "park", "enterprise": "uscc"}

    def prefetch(self, rows):
        self.existing = {
            a.number: a
            for a in fetch_in(
                Application.objects.select_related("town", "park"), "number", (r.get("number") for r in rows)
            )
        }
        self.parks = {
            p.code: p for p in fetch_in(Park.objects.select_related("town"), "code", (r.get("park") for r in rows))
        }
        self.firms = {
            e.uscc: e
            for e in fetch_in(Enterprise.objects.select_related("town"), "uscc", (r.get("uscc") for r in rows))
        }

    def find(self, key):
        return self.existing.get(key[0])

    def _firm(self, row):
        firm = self.firms.get(row.get("uscc") or "")
        return firm if firm is not None and in_scope(self.actor, firm.town) else None

    def values(self, row):
        out = super().values(row)
        if self._firm(row) is not None:  # a registered enterprise: its name and code are the registry's
            out.pop("applicant_uscc", None)
            if row.get("applicant") in (None, self._firm(row).name):
                out.pop("applicant_name", None)
        return out

    def defaults(self, row):
        return {"number": row["number"], "status": Application.Status.DRAFT, "created_by": self.actor}

    def resolve(self, row):
        out = {}
        code = row.get("park")
        if code is not None:
            park = self.parks.get(code)
            if park is None:
                self.not_found(row, "park", "park.unknown", "园区编号", "Park code")
            else:
                out.update(park=park, town=park.town)
        if "uscc" in self.present:
            out["enterprise"] = self._firm(row)
        return out

    def towns(self, obj):
        return [(obj.town, "park")] if obj.town_id else []

    def rules(self, obj, creating):
        out = list(figure_problems(figures_of(obj)))
        if obj.park_id is None:
            out.append(Problem("park", "admission.no_park", "请填写园区编号", "give the park code"))
        if not creating and obj.status not in OPEN:
            out.append(
                Problem(
                    "number",
                    "admission.not_open",
                    f"申请{obj.number}状态为“{obj.get_status_display()}”，台账导入不能修改",
                    f"application {obj.number} is {obj.status}: an import cannot change it",
                )
            )
        if obj.enterprise_id is None and not obj.applicant_name:
            out.append(Problem("applicant_name", "admission.no_applicant", "请填写申请单位", "give the applicant"))
        return out

    def region_code(self, obj):
        return obj.town.code


def applications_queryset():
    return (
        Application.objects.select_related("town", "park", "enterprise")
        .prefetch_related("revisions")
        .order_by("number")
    )


def register_kinds() -> None:
    """Called by ``AdmissionConfig.ready()``."""
    register(
        Kind(
            "applications",
            APPLICATIONS,
            "项目准入申请：申请编号、项目、申请单位、园区、行业代码、用地、投资、达产年承诺指标（导入为草稿，"
            "已提交或已决定的申请不被修改）",
            "project applications: number, project, applicant, park, industry code, land, investment, committed "
            "figures at full production (imported as drafts; submitted or decided ones are never changed)",
            COLUMNS,
            applications_queryset,
            importer_class=ApplicationImporter,
            related=("town", "park", "enterprise"),
            prefetch=("revisions",),
        )
    )

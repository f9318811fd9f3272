"""What every ledger importer does: plan each row against what is registered, check it with the
registry's own rules, and write the plan in bulk with one audit entry per created or updated object.

A kind's importer says which model it writes, how a row's natural key finds the registered object, how
references (town, park, parcel, enterprise) resolve, which towns the actor must be allowed to write, and
which rules of ``registry/checks.py`` apply. The base does the rest:

- only fields whose column is in the file are compared and written; an empty cell means "" for text,
  nothing (None) for an optional value, and "keep" for a field with a default (a new object gets it);
- decimals are rounded (half up) to the places the database keeps, so re-importing changes nothing;
- a problem from a rule names its field; it is reported under the column the user saw, and not at all
  when the reader already reported that cell;
- a row with any problem is ``invalid``; one invalid row and nothing is written (the service decides).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import connections, models, router

from landcycle.accounts.scope import Area, in_scope, require_write
from landcycle.audit.services import audit_record_many, snapshot
from landcycle.audit.versions import bump_many
from landcycle.registry.checks import field_problems
from landcycle.rules.ledger import LedgerProblem, LedgerResult
from landcycle.rules.ledger.schema import LedgerSchema
from landcycle.rules.problems import Problem, RuleError

from ..plan import CREATE, INVALID, UNCHANGED, UPDATE, RowPlan, plain

BATCH = 500  # rows per INSERT statement (Django lowers it to fit SQLite's 999 variables)
CHUNK = 5000  # objects written and audited at a time, which bounds the memory a big import needs
_GIVEN = object()


@dataclass(frozen=True)
class Col:
    """A schema field written to a model attribute. ``empty``: what an empty cell means — ``blank``
    (the empty text), ``null`` (no value) or ``keep`` (the model default for a new object, the
    registered value otherwise)."""

    name: str
    attr: str
    empty: str = "keep"


class Importer:
    kind: str
    schema: LedgerSchema
    model: type[models.Model]
    areas: tuple[Area, ...] = (Area.LEDGERS, Area.REGISTRY)
    cols: tuple[Col, ...] = ()
    refs: tuple[Col, ...] = ()  # foreign keys, resolved by ``resolve``
    field_of: dict[str, str] = {}  # a rule's field name -> the schema field holding it
    uscc_fields: tuple[str, ...] = ()  # schema fields holding credit codes of registered enterprises
    options: tuple[str, ...] = ()  # keyword options the kind takes besides the file (``town`` for contracts)

    def __init__(self, actor, result: LedgerResult, progress=None):
        self.actor, self.result, self.progress = actor, result, progress
        self.present = set(result.fields)
        self.headers: dict[str, str] = {}
        for c in result.columns:
            if c.field and c.field not in self.headers:
                self.headers[c.field] = c.header
        self.problems: list[LedgerProblem] = []
        self._flagged: set[tuple[int, str]] = set()
        self._seen: set[tuple[int, str, str]] = set()
        self._scope: dict[tuple[int, str], list[Problem]] = {}
        self.overridden: set[str] = set()  # registered credit codes whose failing check was confirmed
        self.places = {
            f.name: f.decimal_places for f in self.model._meta.concrete_fields if isinstance(f, models.DecimalField)
        }
        self.fk_names = [f.name for f in self.model._meta.concrete_fields if f.is_relation]

    # ------------------------------------------------------------------ to define per kind
    def prefetch(self, rows: list[dict]) -> None:
        """Load, in bulk, the registered objects the rows' keys and references name."""

    def find(self, key: tuple):
        raise NotImplementedError

    def resolve(self, row: dict) -> dict:
        """Foreign keys of the row: attribute -> object (or None), adding a problem for each that does
        not resolve. Only references whose column is in the file."""
        return {}

    def towns(self, obj) -> list[tuple[object, str]]:
        """(town, field) pairs the actor must be allowed to write for this object."""
        return []

    def rules(self, obj, creating: bool) -> list[Problem]:
        """The registry rules for this object (besides Django's field checks)."""
        return []

    def region_code(self, obj) -> str:
        return ""

    def note(self, plans: list[RowPlan], written: bool) -> str:
        """What the report adds to its counts (after ``write`` when ``written``); "" for nothing."""
        return ""

    def defaults(self, row: dict) -> dict:
        """Values a new object gets when the file does not give them."""
        return {}

    # ------------------------------------------------------------------ planning
    def key(self, row: dict) -> tuple | None:
        key = tuple(row.get(k) for k in self.schema.key)
        return None if None in key else key

    def key_text(self, key: tuple) -> str:
        return " / ".join(str(plain(k)) for k in key)

    def plan(self) -> list[RowPlan]:
        rows = self.result.rows
        self.prefetch(rows)
        reader = [p for p in self.result.problems if not self.excused(p)]
        self._flagged = {(p.row, p.field) for p in reader}
        self.problems = list(reader)
        plans = []
        total = len(rows)
        first: dict[tuple, int] = {}
        for i, row in enumerate(rows, 1):
            plan = self.plan_row(row)
            key = self.key(row)
            if key is not None and first.setdefault(key, row["_row"]) != row["_row"]:
                self.duplicate(row, first[key])
            plans.append(plan)
            if self.progress and (i % 2000 == 0 or i == total):
                self.progress("plan", i, total)
        bad = {p.row for p in self.problems}
        for p in plans:
            if p.row in bad:
                p.action = INVALID
        return plans

    def duplicate(self, row: dict, first: int) -> None:
        """The same natural key twice in the file (the reader reports most; this catches keys that only
        meet once normalised, such as a town written as 330282112 and 330282112000)."""
        self.add(row, self.schema.key[0], "ledger.duplicate_key", f"与第{first}行重复", f"Duplicates row {first}")

    def excused(self, p: LedgerProblem) -> bool:
        """A registered code whose failing check character was confirmed by hand (uscc_override)."""
        return p.rule == "uscc.check" and p.field in self.uscc_fields and p.value in self.overridden

    def values(self, row: dict) -> dict:
        out = {}
        for col in self.cols:
            if col.name not in self.present:
                continue
            v = row.get(col.name)
            if v is None:
                if col.empty == "keep":
                    continue
                v = "" if col.empty == "blank" else None
            elif col.attr in self.places and isinstance(v, Decimal):
                try:
                    v = v.quantize(Decimal(1).scaleb(-self.places[col.attr]), rounding=ROUND_HALF_UP)
                except InvalidOperation:  # more digits than a decimal holds (1e308): the field check refuses it
                    pass
            out[col.attr] = v
        return out

    def plan_row(self, row: dict) -> RowPlan:
        key = self.key(row)
        if key is None:
            return RowPlan(row["_sheet"], row["_row"], "", INVALID)
        values = self.values(row)
        values.update(self.resolve(row))
        obj = self.find(key)
        plan = RowPlan(row["_sheet"], row["_row"], self.key_text(key), CREATE)
        if obj is None:
            obj = self.model(**{**self.defaults(row), **values})
            self.check_scope(row, obj)
            self.check(row, obj, creating=True)
            plan.obj = obj
            return plan
        if not self.check_registered_scope(row, obj, values):  # another town's record: say so, nothing more
            plan.action = INVALID
            return plan
        changes = {}
        for attr, new in values.items():
            field = self.model._meta.get_field(attr)
            old = getattr(obj, field.attname)
            if field.is_relation:
                if old != (new.pk if new is not None else None):
                    changes[attr] = (self.display(getattr(obj, attr)), self.display(new))
            elif old != new:
                changes[attr] = (old, new)
        if not changes:
            plan.action = UNCHANGED
            return plan
        plan.before = snapshot(obj)
        for attr in changes:
            setattr(obj, attr, values[attr])
        self.check_scope(row, obj)
        self.check(row, obj, creating=False)
        plan.action, plan.changes, plan.obj = UPDATE, changes, obj
        return plan

    @staticmethod
    def display(value):
        return None if value is None else str(value)

    def check(self, row: dict, obj, creating: bool) -> None:
        problems = self.rules(obj, creating)
        problems += field_problems(obj, exclude=self.fk_names, validate_unique=False, validate_constraints=False)
        self.add_problems(row, problems)

    def check_scope(self, row: dict, obj) -> bool:
        """Add a problem for each town of ``obj`` the actor may not write; True when there is none."""
        ok = True
        for town, field in self.towns(obj):
            if town is None or in_scope(self.actor, town):
                continue
            cached = self._scope.get((town.pk, field))
            if cached is None:
                try:
                    require_write(self.actor, self.areas[-1], town, field=field)
                    cached = []
                except RuleError as exc:
                    cached = exc.problems
                self._scope[(town.pk, field)] = cached
            self.add_problems(row, cached)
            ok = ok and not cached
        return ok

    def check_registered_scope(self, row: dict, obj, values: dict) -> bool:
        """The record the row names is already registered in a town the actor may not write: the problem names
        that town (where the record is) and, when the row names another town, that one too — never the
        registered town as if the row had written it. Placed on the row's key (the record it names)."""
        outside = [
            (town, field) for town, field in self.towns(obj) if town is not None and not in_scope(self.actor, town)
        ]
        if not outside:
            return True
        town, field = outside[0]
        region = getattr(self.actor, "region", None)
        key = self.schema.key[0]
        zh = f"“{row.get(key)}”已登记在{town}，不属于您的辖区（{region}），不能通过本台账修改"
        en = (
            f"'{row.get(key)}' is registered in {town} ({town.code}), outside your region "
            f"({getattr(region, 'code', '')}): it cannot be changed by this ledger"
        )
        named = self.row_town(values, field)
        if named is not None and named.pk != town.pk:
            zh += f"（本行填写的是{named}）"
            en += f" (this row names {named})"
        self.add(row, key, "scope.town", zh, en)
        return False

    def row_town(self, values: dict, field: str):
        """The town the row itself names for ``field`` (a resolved town, or the town of a resolved park or
        parcel); None when the row does not name one."""
        v = values.get(field)
        for path in ((), ("town",), ("park", "town")):
            obj = v
            for attr in path:
                obj = getattr(obj, attr, None)
            if obj is not None and getattr(obj, "level", None) == "town":
                return obj
        return None

    # ------------------------------------------------------------------ problems
    def column(self, name: str) -> str:
        if name in self.headers:
            return self.headers[name]
        try:
            return self.schema.field(name).title
        except KeyError:
            return name

    def add(self, row: dict, field: str, rule: str, zh: str, en: str, value=_GIVEN) -> None:
        name = self.field_of.get(field, field)
        if name == "__all__":
            name = self.schema.key[0]
        r = row["_row"]
        if (r, name) in self._flagged and not rule.startswith("scope."):
            return  # the reader already said what is wrong with this cell
        if (r, name, rule) in self._seen:
            return
        self._seen.add((r, name, rule))
        v = row.get(name) if value is _GIVEN else value
        self.problems.append(LedgerProblem(row["_sheet"], r, self.column(name), plain(v), rule, zh, en, name))

    def add_problems(self, row: dict, problems: list[Problem]) -> None:
        for p in problems:
            self.add(row, p.field, p.rule, p.zh, p.en)

    def not_found(self, row: dict, field: str, rule: str, what_zh: str, what_en: str) -> None:
        v = row.get(field)
        self.add(
            row,
            field,
            rule,
            f"{what_zh}“{v}”未登记，请先导入或登记",
            f"{what_en} '{v}' is not registered: import or register it first",
        )

    # ------------------------------------------------------------------ writing
    def write(self, plans: list[RowPlan]) -> int:
        """Write the plan (the caller holds the transaction). Returns the audit entries written."""
        creates = [p.obj for p in plans if p.action == CREATE]
        updates = [p for p in plans if p.action == UPDATE]
        total, done, entries = len(creates) + len(updates), 0, 0
        for i in range(0, len(creates), CHUNK):
            part = creates[i : i + CHUNK]
            self.model.objects.bulk_create(part, batch_size=BATCH)
            if any(o.pk is None for o in part):  # a backend without RETURNING on bulk insert
                raise RuntimeError(f"{self.model.__name__}: the database did not return primary keys on bulk insert")
            entries += audit_record_many(
                actor=self.actor,
                action=f"import.{self.kind}.create",
                items=[(o, None, snapshot(o)) for o in part],
                region_code_of=self.region_code,
            )
            done += len(part)
            if self.progress:
                self.progress("write", done, total)
        groups: dict[tuple[str, ...], list[RowPlan]] = {}
        for p in updates:
            groups.setdefault(tuple(sorted(p.changes)), []).append(p)
        for fields, plans in groups.items():
            for i in range(0, len(plans), CHUNK):
                part = plans[i : i + CHUNK]
                self.update_many([p.obj for p in part], fields)
                bump_many(self.model, [p.obj for p in part])  # a form opened before the import is refused after it
                entries += audit_record_many(
                    actor=self.actor,
                    action=f"import.{self.kind}.update",
                    items=[(p.obj, p.before, snapshot(p.obj)) for p in part],
                    region_code_of=self.region_code,
                )
                done += len(part)
                if self.progress:
                    self.progress("write", done, total)
        return entries

    def update_many(self, objs: list, names: tuple[str, ...]) -> None:
        """``UPDATE … SET <fields> WHERE id = …`` for each object, as one prepared statement run for all of
        them (``executemany``): what ``bulk_update`` does, without its CASE expressions, whose building
        costs ~0.3 ms per object. Values go through each field's ``get_db_prep_save`` like any save."""
        if len(objs) < 50:
            self.model.objects.bulk_update(objs, list(names))
            return
        conn = connections[router.db_for_write(self.model)]
        fields = [self.model._meta.get_field(n) for n in names]
        pk = self.model._meta.pk
        q = conn.ops.quote_name
        sql = (
            f"UPDATE {q(self.model._meta.db_table)} SET {', '.join(f'{q(f.column)} = %s' for f in fields)} "
            f"WHERE {q(pk.column)} = %s"
        )
        params = [[f.get_db_prep_save(getattr(o, f.attname), conn) for f in fields] + [o.pk] for o in objs]
        with conn.cursor() as cursor:
            cursor.executemany(sql, params)

"""供地合同 through the ledgers: ``landcycle import / export / template contracts`` and the browser upload. The
real Guangdong land-market export (no parcel numbers, no towns) with --town; its industrial rows become as
many contracts as ``landcycle supervise --industrial-only`` reads, with the same warnings; re-importing changes
nothing; bad input is refused whole, naming row, column and rule in both languages; scope; export -> import."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from import_books import QIAOTOU, XINPU, fill_first_sheet, read_book, sheet_xml, uscc, write_xlsx

from landcycle.audit.models import AuditEntry
from landcycle.ledgers.kinds import KINDS
from landcycle.ledgers.models import ImportBatch
from landcycle.ledgers.services import ledger_import
from landcycle.rules.ledger import mapping_path, read_ledger
from landcycle.supervision.models import Commitment, Contract, Warning
from landcycle.supervision.services.commitments import commitment_add, extension_add, government_delay_add
from landcycle.supervision.services.contracts import contract_create

pytestmark = pytest.mark.django_db
GD = Path(__file__).resolve().parents[1] / "data" / "land_supply_results_gd.csv"
# industrial rows of the real export a clerk must correct first: dates that contradict each other, no holder
FIXES = {
    403: {"actualStartTime": ""},
    637: {"actualStartTime": ""},
    888: {"actualCompletionTime": ""},
    1705: {"contractTime": "", "signTime": ""},
    1681: {"landHolder": "待核实"},
    1736: {"landHolder": "待核实"},
}
HEAD = KINDS["contracts"].headers


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        return 0, out.getvalue(), err.getvalue()
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)


def gd_copy(path: Path, fixes=FIXES, industrial: int | None = None) -> str:
    """The real export with ``fixes`` applied (Excel row -> column -> value), in its own encoding; with
    ``industrial``, only that many industrial rows (none of the ones to fix)."""
    rows = list(csv.reader(io.StringIO(GD.read_bytes().decode("gb18030"))))
    head = rows[0]
    for n, cells in fixes.items():
        for column, value in cells.items():
            rows[n - 1][head.index(column)] = value
    if industrial is not None:
        use = head.index("landPurpose")
        rows = [head] + [r for n, r in enumerate(rows[1:], 2) if "工业" in r[use] and n not in FIXES][:industrial]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("gb18030"))
    return str(path)


def ledger(*rows: dict) -> bytes:
    return write_xlsx({"供地合同台账": [HEAD, *[[r.get(h) for h in HEAD] for r in rows]]})


def good(d, n: int = 1, **over) -> dict:
    row = {
        "合同编号": f"3302822025A{n:05d}",
        "地块编号": d["parcels"][0].number,
        "土地使用权人": d["owner"].name,
        "受让人统一社会信用代码": d["owner"].uscc,
        "土地用途": "工业用地",
        "合同类型": "标准地",
        "成交价格（万元）": 480,
        "面积（平方米）": 20000,
        "土地使用年限": "50",
        "合同签订日期": dt.date(2025, 1, 10),
        "约定开工时间": dt.date(2025, 7, 1),
        "约定竣工时间": dt.date(2027, 7, 1),
        "承诺亩均税收（万元/亩）": 30,
    }
    row.update(over)
    return row


def counts() -> tuple[int, int, int]:
    return Contract.objects.count(), AuditEntry.objects.count(), Warning.objects.count()


# ---------------------------------------------------------------------------------------------- the real export
def test_the_real_export_is_refused_whole_naming_the_rows_to_correct(personas, tmp_path):
    before, problems = counts(), tmp_path / "问题报告.xlsx"
    code, out, err = run(
        "import",
        "contracts",
        str(GD),
        "--mapping",
        "land_supply_gd",
        "--town",
        "新浦镇",
        "-v0",
        "--report",
        str(problems),
    )
    assert code == 1 and "nothing written" in err and counts() == before
    assert len(read_book(problems.read_bytes())["问题清单"]) == 1 + 3  # the clerk's list of cells to correct
    found = {
        (line.split(" ")[1], line.split("[")[1].split("]")[0], line.split("] ")[1].split(":")[0])
        for line in out.splitlines()
        if "行 / row" in line
    }
    # a start before signing (rows 403, 637, 1705: 补办出让) is no longer refused: supervised and flagged (issue 11)
    assert found == {
        ("第888行", "actualCompletionTime", "contract.completion_before_start"),
        ("第1681行", "landHolder", "ledger.required"),
        ("第1736行", "landHolder", "ledger.required"),
    }
    assert "早于实际开工日期" in out and "is before the actual start" in out  # both languages
    code, _, err = run("import", "land_supply", str(GD), "--mapping", "land_supply_gd", "--dry-run", "-v0")
    assert code == 2 and "contract.town_needed" in err  # a county-wide user must say where the contracts go


def test_the_corrected_export_becomes_the_contracts_supervise_reads_with_their_warnings(personas, tmp_path):
    admin, path = personas["admin"], gd_copy(tmp_path / "供地结果.csv")
    today = timezone.localdate()
    code, _, _ = run(
        "supervise",
        path,
        "--mapping",
        "land_supply_gd",
        "--industrial-only",
        "--as-of",
        today.isoformat(),
        "--out",
        str(tmp_path / "监管.json"),
    )
    supervised = json.loads((tmp_path / "监管.json").read_text(encoding="utf-8"))["summary"]
    assert code == 0 and supervised["selected"] == supervised["supervised"] == 508

    dry = ledger_import(actor=admin, kind="contracts", source=path, mapping="land_supply_gd", town=XINPU, dry_run=True)
    assert dry.ok and dry.created == 508 and dry.skipped == 1838 - 508 and counts()[0] == 0
    report = ledger_import(actor=admin, kind="contracts", source=path, mapping="land_supply_gd", town=XINPU)
    assert report.imported and report.created == Contract.objects.count() == supervised["selected"]
    assert set(Contract.objects.values_list("town__code", flat=True)) == {XINPU}
    assert report.batch.note.startswith("合同新增508份") and "warnings refreshed as of" in report.summary()
    assert "429 commitments" in report.note  # the plot-ratio lower limits, as commitments with their unit rules

    # the board shows the same findings as the command, on the same day (plus the plot ratios not yet measured)
    live = Counter(
        Warning.objects.filter(subject_type="contract").exclude(colour="green").values_list("rule", flat=True)
    )
    assert {r: live[r] for r in supervised["by_rule"]} == supervised["by_rule"] and live["idle.take_back"] > 0
    assert set(live) - set(supervised["by_rule"]) == {"commitment.plot_ratio"}
    assert set(Warning.objects.values_list("checked_on", flat=True)) == {today}

    before = counts()
    code, out, _ = run("import", "contracts", path, "--mapping", "land_supply_gd", "--town", "新浦镇", "-v0")
    assert code == 0 and "nothing changed: all 508 rows" in out and "508 unchanged" in out
    assert counts() == before  # no contract, no audit entry, no warning


# ---------------------------------------------------------------------------------------------- bad input
BAD = {
    "completion_before_start": (
        {"实际开工时间": dt.date(2025, 8, 1), "实际竣工时间": dt.date(2025, 7, 1)},
        "实际竣工时间",
        "contract.completion_before_start",
    ),
    "unknown_parcel": ({"地块编号": "330282112-9999"}, "地块编号", "contract.unknown_parcel"),
    "unknown_holder": ({"受让人统一社会信用代码": uscc(777)}, "受让人统一社会信用代码", "contract.unknown_holder"),
    "price_not_a_number": ({"成交价格（万元）": "面议"}, "成交价格（万元）", "ledger.not_number"),
    "area_not_a_number": ({"面积（平方米）": "约两万"}, "面积（平方米）", "ledger.not_number"),
    "duplicate_number": ({"合同编号": "3302822025A00001"}, "合同编号", "ledger.duplicate_key"),
    "delay_without_evidence": ({"政府原因": "规划调整"}, "政府原因佐证", "contract.delay_evidence"),
    "unknown_town": ({"地块编号": None, "所属镇街": "不存在镇"}, "所属镇街", "town.unknown"),
    "town_not_of_the_parcels": ({"所属镇街": "桥头镇"}, "所属镇街", "contract.town_mismatch"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_refused_whole_naming_row_column_and_rule(registry_data, personas, case):
    over, column, rule = BAD[case]
    d, before = registry_data[XINPU], counts()
    report = ledger_import(
        actor=personas["admin"], kind="contracts", source=ledger(good(d, 1), good(d, 2, **over)), filename="合同.xlsx"
    )
    assert report.status == "refused" and counts() == before  # not even the good row
    assert [(p.row, p.column, p.rule) for p in report.problems] == [(3, column, rule)]
    assert report.problems[0].zh and report.problems[0].en and report.problems[0].zh != report.problems[0].en
    assert report.batch.status == ImportBatch.Status.REFUSED and report.invalid == 1


def test_a_ledger_commitment_always_has_its_unit(registry_data, personas):
    """A commitment without a unit cannot be written in a ledger: each column is one commitment of the policy,
    whose unit it takes."""
    report = ledger_import(actor=personas["admin"], kind="contracts", source=ledger(good(registry_data[XINPU])))
    assert report.imported and Commitment.objects.get().unit == "万元/亩"
    assert "1 commitments" in report.note


# ---------------------------------------------------------------------------------------------- scope
def test_roles_that_do_not_keep_contracts_may_not_import_them(registry_data, personas, tmp_path):
    path, before = gd_copy(tmp_path / "gd.csv", industrial=3), counts()
    code, _, err = run("import", "contracts", path, "--mapping", "land_supply_gd", "--as", "p_supervisor", "-v0")
    assert code == 1 and "不能修改此类数据" in err and counts() == before
    for who in ("supervisor", "leader", "analyst"):
        with pytest.raises(PermissionDenied):
            ledger_import(actor=personas[who], kind="contracts", source=path, mapping="land_supply_gd")


def test_a_town_officers_rows_go_to_their_town_and_no_other(supervision_data, personas, tmp_path):
    path = gd_copy(tmp_path / "gd.csv", industrial=3)
    code, out, _ = run("import", "contracts", path, "--mapping", "land_supply_gd", "--as", "p_xinpu", "-v0")
    assert code == 0 and "imported: 3 created" in out
    assert list(Contract.objects.exclude(number__startswith="HT").values_list("town__code", flat=True)) == [XINPU] * 3
    before = counts()
    code, _, err = run(
        "import", "contracts", path, "--mapping", "land_supply_gd", "--as", "p_xinpu", "--town", "桥头镇"
    )
    assert code == 1 and "桥头镇" in err and counts() == before
    d, q = supervision_data[XINPU], supervision_data[QIAOTOU]
    report = ledger_import(
        actor=personas["xinpu"],
        kind="contracts",
        source=ledger(
            good(d, 1),
            good(d, 2, 地块编号=q["parcels"][0].number),
            good(d, 3, 地块编号=None, 所属镇街="桥头镇"),
            good(d, 4, 合同编号=q["contract"].number, 受让人统一社会信用代码=None),
        ),
    )
    assert report.status == "refused" and counts() == before
    assert [(p.row, p.column, p.rule) for p in report.problems] == [
        (3, "地块编号", "scope.town"),
        (4, "所属镇街", "scope.town"),
        (5, "合同编号", "scope.town"),
    ]
    assert "不在您的辖区" in report.problems[0].zh and "outside your region" in report.problems[0].en


def test_town_option_errors(registry_data, personas, tmp_path):
    path = gd_copy(tmp_path / "gd.csv", industrial=2)
    code, _, err = run("import", "contracts", path, "--mapping", "land_supply_gd", "--town", "不存在镇", "-v0")
    assert code == 2 and "town.unknown" in err
    code, _, err = run("import", "enterprises", path, "--town", XINPU, "-v0")
    assert code == 2 and "import.town_not_applicable" in err and "只适用于供地合同" in err
    code, out, _ = run("import", "land_supply", path, "--mapping", "land_supply_gd", "--town", XINPU, "-v0")
    assert code == 0 and "imported: 2 created" in out  # the former name, a 9-digit code


# ---------------------------------------------------------------------------------------------- export, template
@pytest.fixture
def contracts(supervision_data, personas):
    """supervision_data's two contracts plus one of 桥头镇 without parcels carrying what a round trip must keep."""
    admin, q = personas["admin"], supervision_data[QIAOTOU]
    c = contract_create(
        actor=admin,
        number="QT-2019-007",
        holder_name="慈溪市桥头机械有限公司",
        town=q["town"],
        kind="grant",
        price_wan="1234.56",
        area_m2="6666.67",
        term_years=50,
        signed_on=dt.date(2019, 3, 1),
        agreed_delivery=dt.date(2019, 4, 1),
        actual_delivery=dt.date(2019, 5, 1),
        agreed_start=dt.date(2019, 9, 1),
        actual_start=dt.date(2019, 10, 8),
        agreed_completion=dt.date(2021, 9, 1),
        developed_area_share="0.25",
        investment_share="0.2",
        stopped_since=dt.date(2022, 1, 1),
        location="桥头镇工业区",
        land_use="工业用地",
        project="机械加工项目",
    )
    commitment_add(actor=admin, contract=c, kind="investment_intensity", committed=300, unit="万元/亩", measured=250)
    extension_add(actor=admin, contract=c, milestone="completion", new_date=dt.date(2022, 9, 1))
    government_delay_add(actor=admin, contract=c, cause="plan_change", evidence="慈规〔2020〕12号")
    return supervision_data


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing_and_an_edit_updates_with_warnings(contracts, personas, tmp_path, fmt):
    out = tmp_path / f"合同.{fmt}"
    code, _, _ = run("export", "contracts", "--out", str(out), "-v0")
    before = counts()
    code, text, _ = run("import", "contracts", str(out), "-v0")
    assert code == 0 and "nothing changed: all 3 rows" in text and counts() == before
    if fmt == "xlsx":
        rows = read_book(out.read_bytes())["供地合同台账"]
        assert rows[0] == HEAD
        row = next(r for r in rows if r[0] == "QT-2019-007")
        value = dict(zip(HEAD, row, strict=False))
        assert (
            value["所属镇街"] == "桥头镇"
            and value["地块编号"] == ""
            and value["政府原因"] == "土地利用总体规划、城乡规划依法修改"
        )
        assert value["竣工验收投资强度（万元/亩）"] == 250 and value["延期后竣工时间"] == dt.date(2022, 9, 1)
        xp = next(r for r in rows if r[0] == f"HT{XINPU}-001")
        xp[HEAD.index("实际开工时间")] = dt.date(2024, 7, 15)
        idle = Warning.objects.get(subject_id=contracts[XINPU]["contract"].pk, rule="idle.not_started")
        assert idle.colour == "red"
        report = ledger_import(actor=personas["admin"], kind="contracts", source=write_xlsx({"供地合同台账": rows}))
        assert report.imported and (report.updated, report.unchanged) == (1, 2)
        assert report.plan[[p.key for p in report.plan].index(xp[0])].changes == {
            "actual_start": (None, dt.date(2024, 7, 15))
        }
        idle.refresh_from_db()
        assert idle.colour == "green"  # refreshed in the same import: started, no longer idle
        assert AuditEntry.objects.filter(action="contract.update").count() == 1


def test_the_list_page_exports_the_ledger_that_imports_back(contracts, personas, client):
    client.force_login(personas["admin"])
    response = client.get(reverse("contract_list"), {"export": "xlsx"})
    data = b"".join(response.streaming_content)
    assert response.status_code == 200 and read_book(data)["供地合同台账"][0] == HEAD
    before = counts()
    report = ledger_import(actor=personas["admin"], kind="contracts", source=data, filename="合同.xlsx")
    assert report.ok and report.unchanged == 3 and counts() == before
    response = client.get(reverse("contract_list"), {"export": "csv", "town": QIAOTOU})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == HEAD and {r[0] for r in rows[1:]} == {f"HT{QIAOTOU}-001", "QT-2019-007"}


def test_a_big_list_export_runs_as_a_job_and_reads_back(contracts, personas, client, monkeypatch, run_tasks):
    from landcycle.ledgers import jobs
    from landcycle.ledgers.models import ExportJob

    monkeypatch.setattr(jobs, "JOB_THRESHOLD", 1)
    client.force_login(personas["admin"])
    response = client.get(reverse("contract_list"), {"export": "xlsx", "town": QIAOTOU})
    assert response.status_code == 302 and response["Location"] == reverse("export_job_list")
    assert run_tasks() == 1
    job = ExportJob.objects.get()
    assert job.status == "done" and job.source == "contracts"
    with jobs.job_file(job) as file:
        rows = read_book(file.read())["供地合同台账"]
    assert rows[0] == HEAD and {r[0] for r in rows[1:]} == {f"HT{QIAOTOU}-001", "QT-2019-007"}


def test_template_reads_back_and_a_filled_one_imports(registry_data, personas, tmp_path):
    path = tmp_path / "合同模板.xlsx"
    code, _, _ = run("template", "land_supply", "--out", str(path), "--as", "p_admin")
    data = path.read_bytes()
    blank = read_ledger(data, KINDS["contracts"].schema)
    assert code == 0 and blank.rows == [] and blank.problems == [] and blank.sheet == "供地合同台账"
    assert read_book(data)["供地合同台账"][0] == HEAD
    xml = sheet_xml(data)
    assert xml.count('<dataValidation type="list"') == 2 and "标准地" in xml and "选项!$A$1" in xml  # kind, town
    d = registry_data[XINPU]
    filled = fill_first_sheet(
        data, [[good(d).get(h) if not isinstance(good(d).get(h), dt.date) else good(d)[h].isoformat() for h in HEAD]]
    )
    report = ledger_import(actor=personas["admin"], kind="contracts", source=filled)
    assert report.imported and report.created == 1 and Contract.objects.get().kind == "standard"


# ---------------------------------------------------------------------------------------------- the browser
def upload(client, data: bytes, town: str = "", kind: str = "contracts"):
    return client.post(
        reverse("ledger_import_new"),
        {
            "kind": kind,
            "town": town,
            "file": SimpleUploadedFile("供地结果.csv", data),
            "mapping": SimpleUploadedFile("land_supply_gd.toml", mapping_path("land_supply_gd").read_bytes()),
        },
    )


def test_browser_upload_preview_and_confirm_with_the_town(registry_data, personas, client, settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path / "uploads"
    admin = personas["admin"]
    client.force_login(admin)
    page = client.get(reverse("ledger_import_new")).content.decode()
    assert 'name="town"' in page and f'value="{XINPU}"' in page and f'value="{QIAOTOU}"' in page
    data = Path(gd_copy(tmp_path / "gd.csv", industrial=4)).read_bytes()
    response = upload(client, data)  # no town, no parcels: refused, nothing kept to confirm
    batch = ImportBatch.objects.latest("id")
    assert response.status_code == 302 and batch.status == "refused"
    assert batch.problems[0]["rule"] == "contract.town_needed"
    response = upload(client, data, town=XINPU)
    batch = ImportBatch.objects.latest("id")
    assert response.status_code == 302 and batch.status == "previewed" and batch.options == {"town": XINPU}
    preview = client.get(response["Location"]).content.decode()
    assert "检查通过" in preview and "合同新增4份" in preview and counts()[0] == 0
    client.post(reverse("import_batch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "imported" and batch.created == 4 and "复核" in batch.note
    assert set(Contract.objects.values_list("town__code", flat=True)) == {XINPU} and Warning.objects.exists()
    response = upload(client, data, town=XINPU, kind="enterprises")
    assert response.status_code == 400 and "只适用于供地合同" in response.content.decode()


def test_browser_offers_a_town_officer_their_town_and_refuses_other_roles(
    registry_data, personas, client, tmp_path, settings
):
    settings.UPLOADS_DIR = tmp_path / "uploads"
    client.force_login(personas["xinpu"])
    page = client.get(reverse("ledger_import_new")).content.decode()
    assert f'value="{XINPU}"' in page and f'value="{QIAOTOU}"' not in page
    data = Path(gd_copy(tmp_path / "gd.csv", industrial=2)).read_bytes()
    response = upload(client, data)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == "previewed" and counts()[0] == 0
    client.post(reverse("import_batch_confirm", args=[batch.pk]))
    assert set(Contract.objects.values_list("town__code", flat=True)) == {XINPU}
    client.force_login(personas["supervisor"])
    response = upload(client, data)
    assert response.status_code in (400, 403, 404) and ImportBatch.objects.count() == 1


def test_browser_offers_the_shipped_formats(registry_data, personas, client, settings, tmp_path):
    """A clerk picks 广东省土地市场… from 常用格式 instead of uploading a mapping file."""
    settings.UPLOADS_DIR = tmp_path / "uploads"
    client.force_login(personas["admin"])
    page = client.get(reverse("ledger_import_new")).content.decode()
    assert 'value="land_supply_gd"' in page and "广东省土地市场动态监测监管系统" in page
    assert 'data-kinds="contracts"' in page
    data = Path(gd_copy(tmp_path / "gd.csv", industrial=2)).read_bytes()

    def post(**extra):
        return client.post(
            reverse("ledger_import_new"),
            {"kind": "contracts", "town": XINPU, "file": SimpleUploadedFile("供地结果.csv", data), **extra},
        )

    response = post(shipped="land_supply_gd")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == "previewed" and batch.created == 2
    assert batch.mapping["schema"] == "land_supply"
    both = post(
        shipped="land_supply_gd", mapping=SimpleUploadedFile("m.toml", mapping_path("land_supply_gd").read_bytes())
    ).content.decode()
    assert "mapping.two" in both and "只选一个" in both
    wrong = client.post(
        reverse("ledger_import_new"),
        {"kind": "enterprises", "shipped": "land_supply_gd", "file": SimpleUploadedFile("e.csv", data)},
    ).content.decode()
    assert "mapping.kind" in wrong and "所选格式不适用于" in wrong
    assert ImportBatch.objects.count() == 1


# ---------------------------------------------------------------------------------------------- each county's rules
def test_a_countys_own_warning_rules_read_its_contract_rows_and_another_countys_rows_are_refused(
    registry_data, personas
):
    """本县政策 (issue 18): the import reads a row by the warning rules of the row's county (the units of its
    commitments, what counts as industrial land), as writing it does; a county's administrator imports no row
    of another county's towns."""
    from landcycle.accounts.models import Role, User
    from landcycle.accounts.services import system_user
    from landcycle.countypolicy.services import county_policy_set
    from landcycle.registry.models import Region
    from landcycle.registry.regions import regions_load
    from landcycle.rules.policy import read_policy

    regions_load(actor=system_user(), county="330281")
    yuyao = Region.objects.get(code="330281")
    yuyao_town = Region.objects.filter(code__startswith="330281", level=Region.Level.TOWN).order_by("code").first()
    yuyao_admin = User.objects.create_user("p_yuyao", password="x", role=Role.COUNTY_ADMIN, region=yuyao)
    text = read_policy("warnings").text
    for old, new in (
        (
            'unit = "万元/亩", direction = "min", stage = "production"',
            'unit = "元/平方米", direction = "min", stage = "production"',
        ),
        ('industrial_land_use = ["工业"]', 'industrial_land_use = ["工业", "仓储"]'),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    county_policy_set(
        actor=personas["admin"],
        county=Region.objects.get(code="330282"),
        name="warnings",
        text=text.replace('version = "2026.2"', 'version = "2026.2-cx"', 1),
    )
    d = registry_data[XINPU]
    report = ledger_import(
        actor=personas["admin"],
        kind="contracts",
        source=ledger(good(d, 1), good(d, 2, 土地用途="仓储用地", 地块编号=d["parcels"][1].number)),
    )
    assert report.imported and report.created == 2 and report.skipped == 0  # 仓储 is 慈溪's industrial land
    assert set(Commitment.objects.values_list("unit", flat=True)) == {"元/平方米"}  # 慈溪's unit, as it writes
    # another county's administrator: a row for 慈溪's town is refused, with the scope only; its own is shipped
    before = counts()
    other = ledger_import(
        actor=yuyao_admin,
        kind="contracts",
        source=ledger(
            good(d, 3, 地块编号=None, 所属镇街=XINPU, 受让人统一社会信用代码=None, 约定竣工时间=dt.date(2020, 1, 1)),
            good(d, 4, 地块编号=None, 所属镇街=yuyao_town.code, 受让人统一社会信用代码=None),
        ),
    )
    assert other.status == "refused" and counts() == before
    # (its completion before its start is not judged: another county's row is not read by this county's rules)
    assert [(p.row, p.column, p.rule) for p in other.problems] == [(2, "所属镇街", "scope.town")], other.problems
    mine = ledger_import(
        actor=yuyao_admin,
        kind="contracts",
        source=ledger(
            good(d, 4, 地块编号=None, 所属镇街=yuyao_town.code, 受让人统一社会信用代码=None),
            good(d, 5, 土地用途="仓储用地"),
        ),
    )
    assert mine.imported and mine.created == 1 and mine.skipped == 1  # 余姚 keeps the shipped selection
    assert Commitment.objects.get(contract__town=yuyao_town).unit == "万元/亩"

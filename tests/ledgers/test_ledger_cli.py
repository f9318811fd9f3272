"""``landcycle import / export / template``: exit codes 0 / 1 / 2, --dry-run writes nothing, --as applies that
user's scope, --help lists the kinds; the real land-market export through the reader with the shipped
mapping."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, get_commands
from import_books import XINPU, read_book, uscc, write_xlsx

from landcycle.audit.models import AuditEntry
from landcycle.ledgers.kinds import KINDS
from landcycle.registry.models import Enterprise
from landcycle.rules.ledger import load_mapping, mapping_path, read_ledger

LAND_SUPPLY = Path(__file__).resolve().parents[1] / "data" / "land_supply_results_gd.csv"
HEADER = ["统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期", "所属镇街"]


def ledger(tmp_path, *rows, name="企业.xlsx") -> str:
    path = tmp_path / name
    write_xlsx({"企业": [HEADER, *rows]}, path=path)
    return str(path)


def run(*args) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        return 0, out.getvalue(), err.getvalue()
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)


def test_import_is_a_command_although_it_is_a_keyword():
    assert get_commands()["import"] == "landcycle.ledgers"
    module = importlib.import_module("landcycle.ledgers.management.commands.import")
    assert module.Command.help.startswith("导入台账")


@pytest.mark.django_db
def test_exit_codes_and_dry_run(registry_data, personas, tmp_path):
    good = ledger(tmp_path, [uscc(1), "新公司", "3311", "规下", "2019-11-13", "新浦镇"])
    audit = AuditEntry.objects.count()
    code, out, _ = run("import", "enterprises", good, "--dry-run", "-v0")
    assert code == 0 and "试运行" in out and "would be 1 created" in out
    assert not Enterprise.objects.filter(uscc=uscc(1)).exists() and AuditEntry.objects.count() == audit
    code, out, _ = run("import", "enterprises", good, "-v0")
    assert code == 0 and "imported: 1 created" in out
    code, out, _ = run("import", "enterprises", good, "-v0")
    assert code == 0 and "nothing changed" in out
    bad = ledger(
        tmp_path,
        [uscc(2), "坏公司", "9999", "规下", "2019-11-13", "新浦镇"],
        [uscc(3), "好公司", "3311", "规下", "2019-11-13", "新浦镇"],
        name="bad.xlsx",
    )
    report = tmp_path / "问题报告.xlsx"
    code, out, err = run("import", "enterprises", bad, "--report", str(report), "-v0")
    assert code == 1 and "refused" in err
    assert "企业 第2行 / row 2 [行业代码] industry.unknown: 行业代码“9999”不是GB/T 4754-2017中的4位小类" in out
    assert "Industry code '9999' is not a 4-digit class" in out
    assert "问题清单" in read_book(report.read_bytes())
    assert not Enterprise.objects.filter(uscc=uscc(3)).exists()
    code, _, _ = run("import", "enterprises", bad, "--dry-run", "-v0")
    assert code == 1
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"%PDF-1.7 not a workbook")
    code, _, err = run("import", "enterprises", str(junk), "-v0")
    assert code == 2 and "ledger.not_spreadsheet" in err
    code, _, err = run("import", "enterprises", str(tmp_path / "missing.xlsx"), "-v0")
    assert code == 2 and "ledger.unreadable" in err
    code, _, err = run("import", "enterprises", good, "--mapping", str(tmp_path / "nope.toml"), "-v0")
    assert code == 2 and "ledger.mapping" in err
    code, _, err = run("import", "enterprises", good, "--as", "nobody", "-v0")
    assert code == 2 and "nobody" in err


@pytest.mark.django_db
def test_as_user_applies_their_scope_and_role(registry_data, personas, tmp_path):
    other = ledger(tmp_path, [uscc(4), "桥头公司", "3311", "规下", "2019-11-13", "桥头镇"])
    code, out, _ = run("import", "enterprises", other, "--as", "p_xinpu", "-v0")
    assert code == 1 and "scope.town" in out and "[所属镇街]" in out
    code, _, err = run("import", "enterprises", other, "--as", "p_leader", "-v0")
    assert code == 1 and "may not change" in err
    code, out, _ = run("import", "enterprises", other, "--as", "p_qiaotou", "-v0")
    assert code == 0 and Enterprise.objects.get(uscc=uscc(4)).town.code == "330282109"


@pytest.mark.django_db
def test_export_and_template_commands(registry_data, personas, tmp_path):
    out_xlsx, out_csv = tmp_path / "firms.xlsx", tmp_path / "firms.csv"
    code, out, _ = run("export", "enterprises", "--out", str(out_xlsx), "--as", "p_xinpu", "-v0")
    assert code == 0 and "2" in out
    rows = read_book(out_xlsx.read_bytes())["企业台账"]
    assert len(rows) == 3 and {r[6] for r in rows[1:]} == {"新浦镇"}
    code, _, _ = run("export", "enterprises", "--out", str(out_csv), "-v0")
    assert code == 0 and out_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    code, out, _ = run("import", "enterprises", str(out_csv), "-v0")
    assert code == 0 and "nothing changed" in out
    code, _, err = run("export", "enterprises", "--out", str(tmp_path / "x.pdf"), "-v0")
    assert code == 2
    template = tmp_path / "模板.xlsx"
    code, _, _ = run("template", "occupancy", "--out", str(template))
    assert code == 0 and list(read_book(template.read_bytes())) == ["用地关系台账", "说明"]


@pytest.mark.django_db
def test_the_real_land_market_export_through_the_reader_with_the_shipped_mapping(personas):
    result = read_ledger(LAND_SUPPLY, "land_supply", mapping=load_mapping(mapping_path("land_supply_gd")))
    assert result.encoding == "gb18030" and len(result.rows) == 1838 and result.problems == []
    assert sum("工业" in (r["land_use"] or "") for r in result.rows) == 508
    # land_supply is the former name of the contracts ledger: the file has neither parcel numbers nor towns, so a
    # county-wide import must say which town its contracts go to (tests/ledgers/test_import_contracts.py does)
    code, _, err = run("import", "land_supply", str(LAND_SUPPLY), "--dry-run", "--mapping", "land_supply_gd", "-v0")
    assert code == 2 and "contract.town_needed" in err and "--town" in err
    code, _, err = run("import", "land_supply", str(LAND_SUPPLY), "--dry-run", "-v0")
    assert code == 2 and "ledger.required_column" in err  # the crawler's English names need the mapping


def _cli(home: Path, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["LANDCYCLE_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "landcycle.cli", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_help_lists_every_kind(tmp_path):
    out = _cli(tmp_path, "import", "--help")
    assert out.returncode == 0
    for kind in [*KINDS, "land_supply"]:
        assert any(line.strip().startswith(kind + " ") for line in out.stdout.splitlines()), kind
    assert "--dry-run" in out.stdout and "--mapping" in out.stdout and "--as" in out.stdout


def test_process_exit_codes_and_progress_on_stderr(tmp_path):
    home = tmp_path / "home"
    assert _cli(home, "migrate", "-v0").returncode == 0
    assert _cli(home, "regions", "load", "--county", "330282").returncode == 0
    good = ledger(tmp_path, [uscc(1), "新公司", "3311", "规下", "2019-11-13", XINPU])
    done = _cli(home, "import", "enterprises", good)
    assert done.returncode == 0 and "imported: 1 created" in done.stdout
    assert "核对 check" in done.stderr and "100%" in done.stderr
    bad = ledger(tmp_path, [uscc(2), "坏公司", "3311", "规下", "2019-13-45", XINPU], name="bad.xlsx")
    refused = _cli(home, "import", "enterprises", bad)
    assert refused.returncode == 1 and "ledger.not_date" in refused.stdout
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01\x02binary")
    assert _cli(home, "import", "enterprises", str(junk)).returncode == 2

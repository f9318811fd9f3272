import pytest
from django.core.management import CommandError, call_command

from landcycle.audit.services import audit_verify
from landcycle.registry.models import Region

pytestmark = pytest.mark.django_db


def test_load_one_county_twice_changes_nothing_the_second_time(capsys):
    call_command("regions", "load", "--county", "330282")
    assert "27 created" in capsys.readouterr().out
    call_command("regions", "load", "--county", "330282")
    assert "0 created, 0 updated" in capsys.readouterr().out
    town = Region.objects.get(code="330282112")
    assert town.name == "新浦镇" and town.parent.code == "330282" and town.parent.parent.code == "3302"
    assert town.parent.parent.parent.name == "浙江省"
    assert Region.objects.filter(level="town").count() == 24
    assert audit_verify().ok


def test_unknown_county_is_an_error():
    with pytest.raises(CommandError):
        call_command("regions", "load", "--county", "999999")


def test_cli_entry_runs_management_commands(tmp_path, monkeypatch):
    import subprocess
    import sys

    env = {"LANDCYCLE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-m", "landcycle.cli", "help", "regions"], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0 and "--county" in out.stdout

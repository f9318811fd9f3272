"""What a newcomer meets first: a command run where no database was built answers in one line (not a
traceback); a taken port is said in one line before anything is built."""

import os
import socket
import subprocess
import sys

import pytest


def _run(args, home, **env):
    full = dict(os.environ, LANDCYCLE_HOME=str(home), **env)
    full.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "landcycle.cli", *args], env=full, capture_output=True, text=True, timeout=120
    )


def test_a_command_on_an_empty_database_answers_in_one_line(tmp_path):
    done = _run(["warnings", "refresh"], tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "还没有数据表" in lines[0] and "landcycle migrate" in lines[0] and str(tmp_path) in lines[0]


@pytest.mark.parametrize("command", [["serve"], ["demo"]])
def test_a_taken_port_is_said_in_one_line_before_anything_is_built(tmp_path, command):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = _run([*command, "--port", str(port)], tmp_path)
    assert done.returncode == 1
    assert f"端口 {port} 已被占用" in done.stderr and f"PORT={port + 1}" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "landcycle.sqlite3").exists()

"""``deploy/``: the systemd units and the container file run the same, existing commands."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from django.core.management import load_command_class

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
REPO = DEPLOY.parent


def unit_command(name: str) -> list[str]:
    line = next(x for x in (DEPLOY / name).read_text().splitlines() if x.startswith("ExecStart="))
    argv = shlex.split(line.removeprefix("ExecStart="))
    assert argv[0] == "/opt/ucjamsostek/.venv/bin/ucjamsostek"
    return argv[1:]


def container_commands() -> tuple[list[str], list[str]]:
    text = (DEPLOY / "Containerfile").read_text()
    entry = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", text, re.M).group(1))
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", text, re.M).group(1))
    return entry, cmd


def parses(argv: list[str]) -> None:
    app = {"serve": "ucjamsostek.web", "worker": "ucjamsostek.jobs"}[argv[0]]
    parser = load_command_class(app, argv[0]).create_parser("ucjamsostek", argv[0])
    parser.parse_args(argv[1:])


def test_the_units_run_serve_and_worker():
    web, worker = unit_command("ucjamsostek-web.service"), unit_command("ucjamsostek-worker.service")
    assert web[0] == "serve" and worker == ["worker"]
    parses(web)
    parses(worker)


def test_the_container_runs_the_same_commands_as_the_units():
    entry, cmd = container_commands()
    assert entry == ["/opt/ucjamsostek/.venv/bin/ucjamsostek"]
    web = unit_command("ucjamsostek-web.service")
    # The same command; only the address differs (a container listens on every interface).
    assert cmd[0] == web[0] and cmd[1] == "--bind" and cmd[2].endswith(":8000") and web[2].endswith(":8000")
    parses(cmd)
    assert "ucjamsostek worker" in (DEPLOY / "Containerfile").read_text()


def test_the_container_copies_files_that_exist():
    for line in (DEPLOY / "Containerfile").read_text().splitlines():
        if line.startswith("COPY "):
            for name in line.split()[1:-1]:
                assert (REPO / name).exists(), name


@pytest.mark.parametrize("name", ["ucjamsostek-web.service", "ucjamsostek-worker.service"])
def test_units_read_the_environment_file_and_write_only_the_data_folder(name):
    text = (DEPLOY / name).read_text()
    assert "EnvironmentFile=/etc/ucjamsostek/ucjamsostek.env" in text
    data = re.search(r"^UCJAMSOSTEK_DATA_DIR=(.+)$", (DEPLOY / "ucjamsostek.env").read_text(), re.M).group(1)
    assert f"ReadWritePaths={data}" in text


def test_the_environment_file_sets_only_known_variables():
    settings_text = (REPO / "src" / "ucjamsostek" / "settings.py").read_text()
    config_text = (REPO / "src" / "ucjamsostek" / "config.py").read_text()
    for line in (DEPLOY / "ucjamsostek.env").read_text().splitlines():
        if line and not line.startswith("#"):
            name = line.split("=", 1)[0]
            assert f'"{name}"' in settings_text + config_text, name

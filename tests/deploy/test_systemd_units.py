"""deploy/systemd: each unit runs its line of deploy/Procfile, systemd accepts the units, and their commands exist
in the virtualenv and parse."""
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.kit import (DEPLOY, INSTALLED_AT, PROCESSES, ROOT, environment_file, unit_environment, unit_path,
                              unit_values, with_variables, without_defaults)

BIN = Path(sys.executable).parent
# What makes each program load the site and check its arguments without serving anything.
CHECK = {"gunicorn": ["--check-config"], "celery": ["--help"], "python": ["--help"]}


def here(text: str) -> str:
    """A unit's text with the checkout and its virtualenv where they are on this machine."""
    return text.replace(f"{INSTALLED_AT}/.venv/bin", str(BIN)).replace(INSTALLED_AT, str(ROOT))


@pytest.mark.parametrize("process", PROCESSES)
def test_each_unit_runs_its_procfile_line_with_the_same_defaults(process):
    unit = unit_path(process)
    command, defaults = without_defaults(PROCESSES[process])
    assert unit_values(unit, "ExecStart") == [f"{INSTALLED_AT}/.venv/bin/{command}"]
    assert defaults.items() <= unit_environment(unit).items()
    assert unit_values(unit, "WorkingDirectory") == [INSTALLED_AT]
    assert unit_values(unit, "EnvironmentFile") == ["/etc/digitsite/env"]


def test_systemd_accepts_the_units(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed (it comes with systemd)")
    units = []
    for process in PROCESSES:
        units.append(tmp_path / unit_path(process).name)
        units[-1].write_text(here(unit_path(process).read_text()))
    result = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("process", PROCESSES)
def test_the_units_commands_exist_in_the_virtualenv_and_parse_with_the_example_settings(process):
    unit = unit_path(process)
    env = {**os.environ, **unit_environment(unit), **environment_file(DEPLOY / "env.example")}
    for command in unit_values(unit, "ExecStartPre") + unit_values(unit, "ExecStart"):
        argv = shlex.split(here(with_variables(command, env)))
        assert os.access(argv[0], os.X_OK), f"{argv[0]} is not in the virtualenv"
        result = subprocess.run(argv + CHECK[Path(argv[0]).name], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr

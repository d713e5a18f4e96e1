"""Reading the deploy kit as systemd and honcho read it: a unit's settings, the Procfile, an EnvironmentFile."""
import re
from pathlib import Path

from honcho.environ import parse_procfile

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
INSTALLED_AT = "/srv/digitsite"     # where deploy/README.md puts the checkout, with its .venv inside
PROCESSES = parse_procfile((DEPLOY / "Procfile").read_text()).processes


def unit_path(process: str) -> Path:
    return DEPLOY / "systemd" / f"digitsite-{process}.service"


def unit_values(path: Path, key: str) -> list[str]:
    """Every value of `key` in a unit file (Environment= and ExecStartPre= may come more than once)."""
    return [line.split("=", 1)[1] for line in path.read_text().splitlines() if line.startswith(f"{key}=")]


def unit_environment(path: Path) -> dict[str, str]:
    return dict(item.split("=", 1) for value in unit_values(path, "Environment") for item in value.split())


def environment_file(path: Path, *, commented: bool = False) -> dict[str, str]:
    """The KEY=value lines of an EnvironmentFile; with `commented`, the commented-out (optional) ones too."""
    pattern = r"^#? ?([A-Z][A-Z0-9_]*)=(.*)$" if commented else r"^([A-Z][A-Z0-9_]*)=(.*)$"
    return dict(re.findall(pattern, path.read_text(), re.MULTILINE))


def without_defaults(procfile_line: str) -> tuple[str, dict[str, str]]:
    """`--bind ${BIND:-127.0.0.1:8000}` -> (`--bind ${BIND}`, {"BIND": "127.0.0.1:8000"}): the Procfile's shell
    defaults, which a unit gives as Environment= instead."""
    defaults = dict(re.findall(r"\$\{(\w+):-([^}]*)\}", procfile_line))
    return re.sub(r"\$\{(\w+):-[^}]*\}", r"${\1}", procfile_line), defaults


def with_variables(command: str, env: dict[str, str]) -> str:
    """${NAME} replaced by its value, as systemd does in Exec lines."""
    return re.sub(r"\$\{(\w+)\}", lambda match: env[match[1]], command)

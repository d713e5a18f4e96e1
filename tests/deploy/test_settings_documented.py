"""Every setting is written down where an operator looks: the deploy guide names every one the site reads, the
example settings file holds only real ones, and the README's table has every one `make run` reads."""
import re

from tests.deploy.kit import DEPLOY, ROOT

NAME = r"[A-Z][A-Z0-9_]*"


def settings_read_by_the_site() -> set[str]:
    names = {name for path in (ROOT / "digitsite" / "settings").glob("*.py")
             for name in re.findall(rf'env_\w+\("({NAME})"', path.read_text())}
    return names | variables_of_the_procfile()


def variables_of_the_procfile() -> set[str]:
    return set(re.findall(rf"\$\{{({NAME})", (DEPLOY / "Procfile").read_text()))


def variables_make_run_reads() -> set[str]:
    script = (ROOT / "scripts" / "run.py").read_text()
    read = set(re.findall(rf"""(?:environ|env)\.(?:get|setdefault|pop)\(["']({NAME})["']""", script))
    return (read - {"PATH"}) | variables_of_the_procfile()     # PATH: the venv put first, not a setting


def table_names(text: str) -> set[str]:
    """The `NAMES` in the first column of a Markdown table; `RETRAIN_*` stands for every RETRAIN_ name."""
    return {name for line in text.splitlines() if line.startswith("| `")
            for name in re.findall(rf"`({NAME}\*?)`", line.split("|")[1])}


def undocumented(names: set[str], documented: set[str]) -> set[str]:
    prefixes = tuple(name[:-1] for name in documented if name.endswith("*"))
    return {name for name in names if name not in documented and not name.startswith(prefixes)}


def test_the_deploy_guide_has_a_row_for_every_setting_the_site_reads():
    assert undocumented(settings_read_by_the_site(), table_names((DEPLOY / "README.md").read_text())) == set()


def test_the_example_settings_file_holds_only_settings_the_site_reads():
    example = set(re.findall(rf"^#? ?({NAME})=", (DEPLOY / "env.example").read_text(), re.MULTILINE))
    assert example and example - settings_read_by_the_site() == set()


def test_the_readme_settings_table_has_every_variable_make_run_reads():
    readme = (ROOT / "README.md").read_text()
    settings = readme.split("## Settings (environment variables)", 1)[1].split("\n## ", 1)[0]
    assert {"BIND", "WEB_WORKERS", "REDIS_URL", "DATA_DIR"} <= variables_make_run_reads()
    assert undocumented(variables_make_run_reads(), table_names(settings)) == set()

"""The import contracts in pyproject.toml (STYLE.md §1): the project keeps them, they cover every
top-level package, and each one fails on a deliberate violation.

The violations are written into a small copy of the project's layout under tmp_path, checked
with the project's own contracts by the real `lint-imports`, so a contract that quietly stopped
matching anything (a renamed module, a typo in a wildcard) fails here.
"""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _config() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]


def _lint_imports(project: Path, *contract_ids: str) -> subprocess.CompletedProcess[str]:
    args = [str(LINT_IMPORTS), "--no-logo", "--no-cache", "--config", "pyproject.toml"]
    for contract_id in contract_ids:
        args += ["--contract", contract_id]
    return subprocess.run(  # noqa: S603 -- the venv's own lint-imports, fixed arguments
        args,
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        check=False,
    )


# The project's shape in a few lines, every import in it allowed by the contracts.
SKELETON = {
    "core/models.py": "",
    "accounts/models.py": "from core import models\n",
    "offices/models.py": "from accounts import models\n",
    "integrations/notifications/services.py": "from core import models\n",
    "grievances/services.py": (
        "from offices import models\nfrom integrations.notifications import services\n"
    ),
    "integrations/facebook/services.py": "from grievances import services\n",
    "integrations/facebook/graph_fake.py": "",
    "integrations/facebook/fake_server.py": "from integrations.facebook import graph_fake\n",
    "integrations/facebook/fake_seed_gen.py": "",
    "integrations/facebook/fake/__init__.py": "from integrations.facebook.fake import state\n",
    "integrations/facebook/fake/state.py": "",
    "demo/services.py": "from integrations.facebook import services\n",
    "benchmarks/generate_load.py": "from grievances import services\n",
    "config/urls.py": "from demo import services\n",
}

VIOLATIONS = [
    ("layers", "accounts/selectors.py", "from offices.models import OfficeMembership"),
    ("layers", "core/api.py", "from grievances import services"),
    ("layers", "offices/selectors.py", "from grievances import services"),
    (
        "grievances-no-integrations",
        "grievances/tasks.py",
        "from integrations.facebook import services",
    ),
    (
        "notifications-generic",
        "integrations/notifications/sms.py",
        "from grievances import services",
    ),
    ("notifications-generic", "integrations/notifications/mail.py", "from offices import models"),
    (
        "no-fakes",
        "integrations/facebook/tasks.py",
        "from integrations.facebook.graph_fake import X",
    ),
    ("no-fakes", "integrations/facebook/views.py", "from integrations.facebook import fake_server"),
    ("no-fakes", "integrations/facebook/graph.py", "from integrations.facebook.fake import state"),
    ("no-fakes", "grievances/seeding.py", "from integrations.facebook.fake.state import X"),
    ("no-fakes", "demo/fake_pages.py", "from integrations.facebook.fake_seed_gen import X"),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's layout and contracts, with no violation in it."""
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    for package in _config()["root_packages"]:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    for name, source in SKELETON.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(tmp_path).parents:
            (tmp_path / parent / "__init__.py").touch()
        path.write_text(source)
    return tmp_path


def test_the_project_keeps_its_import_contracts():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_top_level_package_is_under_the_contracts():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages == set(_config()["root_packages"])


def test_every_contract_is_shown_failing_below():
    assert {c["id"] for c in _config()["contracts"]} == {v[0] for v in VIOLATIONS}


def test_the_allowed_imports_pass(project):
    result = _lint_imports(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("contract_id", "module", "source"), VIOLATIONS)
def test_a_deliberate_violation_breaks_its_contract(project, contract_id, module, source):
    (project / module).write_text(source + "\n")
    result = _lint_imports(project, contract_id)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 broken" in result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout


def test_a_new_app_named_in_the_layers_is_held_to_them_once_it_is_a_root_package(project):
    config = project / "pyproject.toml"
    # A made-up app beside the apps built on grievances (api/ and dashboards/ exist by now).
    text = config.read_text().replace("root_packages = [", 'root_packages = ["newapp", ')
    config.write_text(text.replace("| (api)", "| (api) | (newapp)"))
    (project / "newapp").mkdir()
    (project / "newapp" / "__init__.py").write_text("")
    (project / "newapp" / "views.py").write_text("from grievances import services\n")
    assert _lint_imports(project, "layers").returncode == 0

    (project / "newapp" / "views.py").write_text("from integrations.facebook import services\n")
    result = _lint_imports(project, "layers")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "newapp.views" in result.stdout

"""Where the Facebook code lives: the port, one wire decoder, a fake in small modules."""

import ast
from pathlib import Path

import integrations.facebook as package

ROOT = Path(package.__file__).parent
WIRE_FUNCTIONS = {"error_from_graph", "usage_from_headers", "feed_changes_from_webhook"}


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_the_port_holds_no_graph_json_decoding():
    port = _functions(ROOT / "graph.py")

    assert not {name for name in port if name.endswith("_from_graph")}
    assert not port & WIRE_FUNCTIONS
    assert _functions(ROOT / "wire.py") >= WIRE_FUNCTIONS


def test_webhook_json_is_decoded_only_by_the_wire_module():
    readers = [
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.py")
        if '.get("entry")' in path.read_text(encoding="utf-8")
    ]

    assert readers == ["wire.py"]


def test_no_module_of_the_fake_is_over_500_lines():
    sizes = {
        path.name: len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "fake").glob("*.py")
    }

    assert sizes
    assert {name: n for name, n in sizes.items() if n > 500} == {}


def test_the_set_of_facebook_channels_is_defined_once_in_grievances_models():
    project = ROOT.parents[1]
    homes = []
    packages = [d for d in project.iterdir() if (d / "__init__.py").exists() and d.name != "tests"]
    for path in (p for d in packages for p in d.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else []
            if any(getattr(t, "id", "") == "FACEBOOK_CHANNELS" for t in targets):
                homes.append(path.relative_to(project).as_posix())

    assert homes == ["grievances/models.py"]

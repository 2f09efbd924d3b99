"""The deployment files point at things that exist: no Docker, database or network needed.

Every command in docker-compose.yml and Procfile.dev must name a real entry point
(manage.py and its management command, config.wsgi, the Celery app `config`, a module run
with `python -m`, files passed as arguments), and the Makefile must keep its public targets.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
import runpy
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict] = COMPOSE["services"]
BUILT = sorted(name for name, service in SERVICES.items() if "build" in service)
PROCFILE = ROOT / "Procfile.dev"
PROCFILE_ENTRIES = dict(
    re.findall(r"^([A-Za-z0-9_-]+):\s*(.+)$", PROCFILE.read_text(), flags=re.MULTILINE)
)

# Management commands that come with Django or an installed app rather than our code.
DJANGO_COMMANDS = {"migrate", "collectstatic", "check", "createsuperuser", "shell"}


def _argv(command: str | list[str]) -> list[str]:
    """The program's argv, looking through `sh -c "exec ..."` wrappers."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv[:2] == ["sh", "-c"]:
        argv = shlex.split(argv[2])
    return argv[1:] if argv and argv[0] == "exec" else argv


def _module_exists(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _management_command_exists(name: str) -> bool:
    if name in DJANGO_COMMANDS:
        return True
    return any(ROOT.glob(f"*/management/commands/{name}.py")) or any(
        ROOT.glob(f"*/*/management/commands/{name}.py")
    )


def _problems(command: str | list[str]) -> list[str]:
    """What in `command` does not exist in the repository (empty when all is well)."""
    argv = _argv(command)
    program, args = argv[0], argv[1:]
    problems: list[str] = []
    if program == "gunicorn":
        if "--config" in args:
            config = args.pop(args.index("--config") + 1)
            args.remove("--config")
            if not (ROOT / config).is_file():
                problems.append(f"gunicorn config {config}")
        if not _module_exists(args[0]):
            problems.append(f"WSGI module {args[0]}")
    elif program == "celery":
        app = args[args.index("-A") + 1]
        if not _module_exists(f"{app}.celery"):
            problems.append(f"Celery app module {app}/celery.py")
        elif "celery_app" not in (ROOT / app / "__init__.py").read_text():
            problems.append(f"{app}/__init__.py does not expose celery_app")
        if args[args.index("-A") + 2] not in {"worker", "beat", "inspect"}:
            problems.append(f"celery subcommand {args[args.index('-A') + 2]}")
    elif program == "python" and args[:1] == ["manage.py"]:
        if not (ROOT / "manage.py").is_file():
            problems.append("manage.py")
        if not _management_command_exists(args[1]):
            problems.append(f"management command {args[1]}")
    elif program == "python" and args[:1] == ["-m"]:
        if not _module_exists(args[1]):
            problems.append(f"module {args[1]}")
    else:
        problems.append(f"unknown program {program}")
    for option, value in itertools.pairwise(args):
        if option == "--seed" and not (ROOT / value).is_file():
            problems.append(f"seed file {value}")
    return problems


@pytest.mark.parametrize("name", BUILT)
def test_compose_service_command_refers_to_existing_code(name):
    service = SERVICES[name]

    assert "command" in service, f"{name} has no command"
    assert _problems(service["command"]) == []


@pytest.mark.parametrize("name", BUILT)
def test_compose_service_builds_from_the_dockerfile(name):
    build = SERVICES[name]["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")

    assert (ROOT / context / dockerfile).is_file()


def test_compose_has_the_stack_of_the_design():
    assert {"db", "redis", "web", "beat", "fake-graph"} <= set(SERVICES)
    assert SERVICES["db"]["image"].startswith("postgres:16")
    assert SERVICES["redis"]["image"].startswith("redis:7")
    assert SERVICES["fake-graph"]["profiles"] == ["demo"]
    assert "ports" not in SERVICES["fake-graph"]


def test_compose_redis_keeps_celery_messages():
    command = _argv(SERVICES["redis"]["command"])

    assert command[0] == "redis-server"
    assert " ".join(command[1:]) == (
        "--appendonly yes --appendfsync everysec --maxmemory-policy noeviction"
    )


@pytest.mark.parametrize("name", ["db", "redis", "web", *(n for n in BUILT if "worker" in n)])
def test_compose_long_running_services_have_healthchecks(name):
    assert "test" in SERVICES[name]["healthcheck"]


def test_compose_takes_configuration_from_dot_env():
    assert all(SERVICES[name]["env_file"] == ".env" for name in BUILT)
    assert (ROOT / ".gitignore").read_text().count("\n.env\n") == 1


def test_dockerfile_runs_gunicorn_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, flags=re.MULTILINE)
    assert "pip install -r requirements.txt" in dockerfile
    assert (ROOT / "requirements.txt").is_file()
    assert "collectstatic --noinput" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert users
    assert users[-1] not in {"root", "0"}
    cmd = re.search(r"^CMD\s+(\[.*\])", dockerfile, flags=re.MULTILINE)
    assert cmd
    assert _problems(yaml.safe_load(cmd.group(1))) == []


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())

    assert {".env", ".venv", ".data", ".git"} <= ignored


@pytest.mark.parametrize("name", sorted(PROCFILE_ENTRIES))
def test_procfile_command_refers_to_existing_code(name):
    assert _problems(PROCFILE_ENTRIES[name]) == []


def test_procfile_runs_web_worker_beat_and_the_fake_graph_server():
    assert set(PROCFILE_ENTRIES) == {"web", "worker", "beat", "fakegraph"}


def test_makefile_has_run_and_test_targets_whose_scripts_exist():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([A-Za-z][\w-]*):", makefile, flags=re.MULTILINE))

    assert {"run", "test", "lint", "clean"} <= targets
    for script in re.findall(r"scripts/\w+\.py", makefile):
        assert (ROOT / script).is_file(), script


def test_gunicorn_access_log_leaves_out_query_strings():
    """Private links carry the citizen's key in `?key=`: it must never reach a log."""
    settings = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))

    assert "%(U)s" in settings["access_log_format"]
    assert not {"%(r)s", "%(q)s"} & set(
        re.findall(r"%\([a-zA-Z{}_-]+\)s", settings["access_log_format"])
    )
    for path in ("Procfile.dev", "Dockerfile", "docker-compose.yml"):
        text = (ROOT / path).read_text()
        assert "config/gunicorn.py" in text, path
        assert "--access-logformat" not in text, path


# --- slow clients cannot starve the web tier -----------------------------------------------

NGINX_CONF = ROOT / "deploy" / "nginx.conf"


def _nginx_directives() -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for line in NGINX_CONF.read_text().splitlines():
        line = line.split("#", 1)[0].strip().rstrip(";")
        if line and not line.endswith(("{", "}")):
            name, _, value = line.partition(" ")
            directives.setdefault(name, []).append(value.strip())
    return directives


def test_only_the_buffering_proxy_publishes_a_port():
    published = {name for name, service in SERVICES.items() if "ports" in service}

    assert published == {"proxy"}
    assert SERVICES["proxy"]["image"].startswith("nginx:")
    assert SERVICES["proxy"]["ports"] == ["${SHUNANI_HTTP_PORT:-8000}:8080"]
    assert SERVICES["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}
    assert "test" in SERVICES["proxy"]["healthcheck"]


def test_the_proxy_uses_the_nginx_configuration_in_the_repository():
    (mount,) = SERVICES["proxy"]["volumes"]
    source, target, mode = mount.split(":")

    assert (ROOT / source).resolve() == NGINX_CONF
    assert target == "/etc/nginx/conf.d/default.conf"
    assert mode == "ro"


def test_the_proxy_buffers_whole_requests_with_limits_and_timeouts():
    from config.settings import base

    directives = _nginx_directives()

    assert directives["listen"] == ["8080"]
    assert directives["proxy_pass"] == ["http://shunani_web"]
    assert directives["server"] == ["web:8000"]
    assert directives["proxy_request_buffering"] == ["on"]
    assert directives["proxy_buffering"] == ["on"]
    assert directives["client_max_body_size"] == [
        f"{base.REQUEST_BODY_MAX_BYTES // (1024 * 1024)}m"
    ]
    for timeout in ("client_body_timeout", "client_header_timeout", "send_timeout"):
        (value,) = directives[timeout]
        assert value.endswith("s")
        assert int(value[:-1]) <= 30, timeout
    assert directives["proxy_set_header"].count("X-Forwarded-For $remote_addr") == 1


def test_the_app_trusts_the_client_address_from_the_one_proxy():
    address = SERVICES["proxy"]["networks"]["default"]["ipv4_address"]
    (subnet,) = COMPOSE["networks"]["default"]["ipam"]["config"]

    assert ipaddress.ip_address(address) in ipaddress.ip_network(subnet["subnet"])
    assert SERVICES["web"]["environment"]["TRUSTED_PROXIES"] == f"{address}/32"
    assert "TRUSTED_PROXY_COUNT" not in SERVICES["web"]["environment"]


def test_gunicorn_runs_threaded_workers_with_short_timeouts():
    settings = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))

    assert settings["worker_class"] == "gthread"
    assert settings["threads"] >= 4
    assert settings["workers"] >= 2
    assert settings["timeout"] <= 30
    assert settings["keepalive"] <= 5


@pytest.mark.parametrize("path", ["Procfile.dev", "Dockerfile", "docker-compose.yml"])
def test_no_gunicorn_command_overrides_the_worker_class_threads_or_timeout(path):
    commands = [line for line in (ROOT / path).read_text().splitlines() if "gunicorn" in line]

    assert any("config/gunicorn.py" in line for line in commands)
    for line in commands:
        for option in ("--worker-class", " -k ", "--threads", "--timeout"):
            assert option not in line, (path, option)

"""The operations pieces of the deployment files: the backup service, the alert rules (every
metric they use is exported), gunicorn's shared metrics directory."""

import re
import runpy
from pathlib import Path

import pytest
import yaml
from celery import current_app
from django.utils import timezone

from ops import metrics as ops_metrics
from tests.test_deploy_files import SERVICES, _problems

ROOT = Path(__file__).resolve().parents[2]
ALERTS = yaml.safe_load((ROOT / "deploy" / "prometheus" / "alerts.yml").read_text())


def test_the_backup_service_runs_nightly_with_pruning_into_its_volume():
    service = SERVICES["backup"]
    assert service["command"] == "python manage.py backup --prune --daily-at 02:30"
    assert _problems(service["command"]) == []
    assert "backups:/backups" in service["volumes"]
    assert "media:/app/.data/media:ro" in service["volumes"]
    assert service["environment"]["BACKUP_DIR"] == "/backups"


def test_the_suggested_alerts_are_there():
    names = {rule["alert"] for group in ALERTS["groups"] for rule in group["rules"]}
    assert {
        "WebhookBacklog",
        "FacebookPageNeedsReconnection",
        "RepliesFailing",
        "DashboardSummariesStale",
    } <= names
    rules = {rule["alert"]: rule for group in ALERTS["groups"] for rule in group["rules"]}
    assert "> 600" in rules["WebhookBacklog"]["expr"]
    assert rules["FacebookPageNeedsReconnection"]["for"] == "1h"
    assert "> 900" in rules["DashboardSummariesStale"]["expr"]


@pytest.mark.django_db
def test_every_metric_an_alert_uses_is_exported(monkeypatch, settings):
    monkeypatch.setattr(ops_metrics, "_summary_age_sources", [timezone.now])
    monkeypatch.setattr(current_app.conf, "broker_url", settings.REDIS_URL)
    exported = ops_metrics.metrics_text().decode()
    used = {
        name
        for group in ALERTS["groups"]
        for rule in group["rules"]
        for name in re.findall(r"\bshunani_\w+", rule["expr"])
    }
    assert used
    for name in used:
        assert re.search(rf"^{name}[{{ ]", exported, flags=re.MULTILINE), name


def test_the_runbook_explains_every_alert():
    runbook = (ROOT / "docs" / "operations.md").read_text()
    for group in ALERTS["groups"]:
        for rule in group["rules"]:
            assert f"### {rule['alert']}" in runbook, rule["alert"]
            anchor = rule["annotations"]["runbook"].split("#", 1)[1]
            assert anchor == rule["alert"].lower()


def test_gunicorn_starts_with_an_empty_shared_metrics_directory(tmp_path, monkeypatch):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    (directory / "histogram_123.db").write_bytes(b"stale")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    hooks = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    hooks["on_starting"](None)
    assert directory.is_dir()
    assert list(directory.iterdir()) == []


def test_a_web_worker_simplifies_the_map_before_it_takes_requests():
    from dashboards.maps import map_shape

    map_shape.cache_clear()
    hooks = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    hooks["post_worker_init"](None)
    assert map_shape.cache_info().currsize == 1
    assert len(map_shape().outlines) == 64


def test_the_proxy_never_serves_the_operations_endpoints():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"location /ops/ \{\s*return 404;\s*\}", conf)


def test_the_access_log_carries_the_request_id():
    settings = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    assert settings["access_log_format"].endswith("%({x-request-id}o)s")

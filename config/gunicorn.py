"""gunicorn settings shared by `make run`, the Dockerfile and docker-compose.

Slow clients: in docker-compose, nginx (deploy/nginx.conf) reads each request in full before
passing it on, so a client trickling a form body ties up an nginx connection, not a worker.
Behind it, threaded workers (gthread) answer many requests per process: even without the
proxy (`make run`), a few slow clients hold a few threads, not every worker, and webhooks and
/healthz keep being served. Timeouts are short: nothing here should take long, and a hung
request must not hold its thread for minutes.

The access log leaves out query strings: a citizen's private link carries its access key in
`?key=`, and that must never reach a log.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker silent for this long is restarted; requests are expected to take well under a second.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 3
# Idle keep-alive connections are closed quickly so they do not hold threads.
keepalive = 5
# Request line and headers stay small (Django's own limits cover the body).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

accesslog = "-"
# %(U)s is the path without the query string; the last field is the request id
# (core/request_id.py), to find the request's own log lines and its tasks'.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss %({x-request-id}o)s'


# Prometheus (ops/metrics.py): with PROMETHEUS_MULTIPROC_DIR set, each worker process writes its
# request-latency figures there and /ops/metrics adds them up. Start from an empty directory,
# and let figures of a worker that died stop counting as live.
def on_starting(server: object) -> None:
    import shutil

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


# The district map's outlines are simplified once per process (about half a second): done as
# a worker starts, before it takes requests, not in the first request that draws the map.
def post_worker_init(worker: object) -> None:
    from dashboards.maps import map_shape

    map_shape()


def child_exit(server: object, worker: object) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]

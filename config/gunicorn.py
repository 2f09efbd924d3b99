"""gunicorn settings shared by `make run`, the Dockerfile and docker-compose.

The access log leaves out query strings: a citizen's private link carries its access key in
`?key=`, and that must never reach a log.
"""

accesslog = "-"
# %(U)s is the path without the query string.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
graceful_timeout = 3

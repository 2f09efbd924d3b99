# One image for web, worker, beat and the fake Graph server (docker-compose.yml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app

# pg_dump/pg_restore for `manage.py backup` and `restore`, of the database server's major
# version (16, docker-compose.yml): Debian's own client is older and pg_dump refuses a newer
# server, so it comes from the PostgreSQL project's apt repository (its key ships with
# postgresql-common).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-16 \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so code changes don't reinstall them. Every wheel we pin is binary
# (psycopg2-binary, cryptography, Pillow), so no compiler is needed.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Translations and static files are built into the image, with the base settings: production
# settings refuse to load without real secrets (config/settings/safety.py), which exist only
# at run time (.env, see .env.example).
RUN DJANGO_SETTINGS_MODULE=config.settings.base \
    sh -c "python manage.py compile_translations && python manage.py collectstatic --noinput" \
    && mkdir -p /app/.data/media /backups \
    && chown -R app:app /app/.data /backups

USER app
EXPOSE 8000
# Workers, threads and timeouts are in config/gunicorn.py. Run it behind a buffering proxy
# (deploy/nginx.conf), as docker-compose.yml does.
CMD ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi", "--bind", "0.0.0.0:8000"]

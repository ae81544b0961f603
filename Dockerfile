# syntax=docker/dockerfile:1
# One image for the whole journal: `web` (gunicorn), `worker` and `beat` (Celery) in docker-compose.yml.
# Build: docker compose build    (or: docker build -t ejournal .)
# No secret is baked in: SECRET_KEY, passwords and hosts come from the environment at run time (.env).

# --- Front-end libraries (Bootstrap, Bootstrap Icons, htmx) from the npm registry, as locked,
# built into static/build/ as `make setup` builds them: Bootstrap trimmed to the classes the
# templates, scripts and code name, the icons they show, the scripts in one file ---
FROM node:22-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY . .
RUN node assets/build.mjs

# --- The application ---
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=ejournal.settings \
    VAR_DIR=/var/lib/ejournal \
    STATIC_ROOT=/app/staticfiles

# WeasyPrint (PDF reports) needs Pango and HarfBuzz; DejaVu gives the PDFs Cyrillic glyphs;
# tzdata gives zoneinfo Europe/Moscow and the other Russian time zones; postgresql-client gives
# the backups pg_dump and pg_restore 15, the version of the postgres:15 service.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fontconfig fonts-dejavu-core fonts-dejavu-extra \
        tzdata postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 ejournal \
    && useradd --system --uid 10001 --gid ejournal --create-home --home-dir /home/ejournal \
        --shell /usr/sbin/nologin ejournal

WORKDIR /app

# Python dependencies first, pinned by constraints.txt: this layer is rebuilt only when they change.
COPY pyproject.toml constraints.txt ./
RUN pip install -c constraints.txt . \
    && rm -rf build ./*.egg-info

# The code belongs to root and is read-only for the user the services run as.
COPY . .
# What the pages load of the front-end libraries (static/, like the site's own files).
COPY --from=assets /assets/static/build ./static/build

# Static files collected and compressed at build time (WhiteNoise serves them from STATIC_ROOT).
# The key below only lets the settings load for this one command; it is not in the image's
# environment, and the settings refuse to start without a real SECRET_KEY.
RUN DEBUG=0 ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        SECRET_KEY=build-time-collectstatic-only-never-used-to-sign-anything-at-run-time \
        python manage.py collectstatic --noinput -v1 \
    && rm -f /tmp/build.sqlite3 \
    && install -d -o ejournal -g ejournal -m 0750 \
        /var/lib/ejournal /var/lib/ejournal/media /var/lib/ejournal/backups \
        /var/lib/ejournal/archive /var/lib/ejournal/beat \
    && install -d -o ejournal -g ejournal -m 0755 /srv/static

USER ejournal
EXPOSE 8000
CMD ["gunicorn", "--config", "ejournal/gunicorn.conf.py", "ejournal.wsgi"]

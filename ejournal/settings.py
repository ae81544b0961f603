"""Settings. Defaults give the embedded demo (SQLite, tasks in-process); production sets
DATABASE_URL, REDIS_URL, SECRET_KEY and DEBUG=0 through the environment."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from ejournal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# `make demo`: the site as production shows it (its own Russian error pages, never Django's
# debug pages), but on plain HTTP on this machine, with a throwaway key. Never set in production.
DEMO = env_bool("DEMO", False)
# A developer's or the demo's machine, not behind production's TLS proxy.
LOCAL = DEBUG or DEMO
SECRET_KEY = env_str("SECRET_KEY", "demo-only-insecure-key" if LOCAL else None)
if not LOCAL and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("demo-only")):
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters in production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if LOCAL else [])

INSTALLED_APPS = [
    "ejournal.apps.EjournalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_celery_beat",
    "accounts",
    "journal",
    "diary",
    "messaging",
    "exports",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Compresses the pages for phones on slow connections. Static files come precompressed
    # from WhiteNoise, which answers them above; everything below has finished with the body
    # by the time this compresses it. BREACH: since Django 4.2 GZipMiddleware pads compressed
    # responses with random bytes ("Heal the BREACH"), and CSRF tokens are masked per request.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before anything reads the user: the user and the keys a page reads first, in one trip.
    "ejournal.read_ahead.ReadAheadMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sign-in security (accounts/signin/): the verified second factor, staff sessions' idle
    # limit, and the second factor required before any page; the lock-out page comes last.
    "django_otp.middleware.OTPMiddleware",
    "accounts.signin.middleware.StaffSessionMiddleware",
    "accounts.signin.middleware.SecondFactorMiddleware",
    # After the second factor: a password issued on a slip is changed before any other page.
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ejournal.urls"
WSGI_APPLICATION = "ejournal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "accounts.context_processors.state_sign_in",
                "messaging.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The demo runs tasks and requests side by side; wait for locks instead of failing. A
    # deferred transaction that reads and then writes cannot wait (SQLite answers "database is
    # locked" at once), so every transaction takes the write lock when it begins.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20,
                                                          transaction_mode="IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses sign-ins while a login or an address is locked out (django-axes); must be first.
    "axes.backends.AxesStandaloneBackend",
    "accounts.signin.backends.PasswordBackend",
    "accounts.backends.RoleBackend",
    "guardian.backends.ObjectPermissionBackend",
    # Signs in only through the state sign-in's callback, and only when OIDC_ENABLED.
    "accounts.oidc.StateSignInBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not a known time zone") from exc
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# The site's own files, and in static/build/ what assets/build.mjs makes of the front-end
# libraries the npm registry gave at install time (Bootstrap trimmed to what the pages use).
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production and the demo serve the collected files (`make demo` collects them first): names
# with a hash of the content, compressed ahead (Brotli and gzip), cached by browsers for good.
# A developer's machine (DEBUG) serves the source folders as they are, unhashed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
BACKUP_ROOT = Path(env_str("BACKUP_ROOT", str(VAR_DIR / "backups")))
ARCHIVE_ROOT = Path(env_str("ARCHIVE_ROOT", str(VAR_DIR / "archive")))
# Portal exports' files as each run made them (exports/portal): kept for the administrator.
EXPORT_ROOT = Path(env_str("EXPORT_ROOT", str(VAR_DIR / "exports")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "ejournal.cache.ReusingRedisCache",
                          "LOCATION": REDIS_URL}}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without Redis (the embedded demo) tasks run in-process, in the request that enqueues them.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# The schedule lives in the database (django-celery-beat): beat follows the administrator's
# changes without a restart. Exactly one beat runs (docker-compose.yml).
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Notifications to families (messaging/notifications): the daily digest's hour (school time).
NOTIFICATION_DIGEST_HOUR = env_int("NOTIFICATION_DIGEST_HOUR", 18)
if not 0 <= NOTIFICATION_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("NOTIFICATION_DIGEST_HOUR must be an hour, 0 to 23")
CELERY_BEAT_SCHEDULE = {
    "prune-family-activity": {"task": "diary.prune_activity", "schedule": 24 * 3600},
    # Diary views wait in Redis (diary/activity.py) and are written to the table each minute:
    # reports and the journal check's figures are at most that much behind (the class teacher's
    # list and the «новое» marks read Redis too). A run the worker could not start within the
    # minute is dropped; the next one writes everything.
    "flush-diary-views": {"task": "diary.flush_activity", "schedule": 60,
                          "options": {"expire_seconds": 50}},
    "prune-save-receipts": {"task": "journal.prune_receipts", "schedule": 24 * 3600},
    # Last month's journal check, kept as it was found, early on the 1st.
    "keep-monthly-journal-checks": {"task": "journal.keep_monthly_checks",
                                    "schedule": crontab(day_of_month=1, hour=3, minute=0)},
    # Daily in the morning: a run sends at most once per class, kind and period.
    "data-update-reminders": {"task": "accounts.send_data_update_reminders",
                              "schedule": crontab(hour=7, minute=30)},
    # SMS held back by the quiet hours go when they are over; the daily digest of e-mails.
    "notifications-after-quiet-hours": {"task": "messaging.send_due_notifications",
                                        "schedule": 300},
    "notification-digests": {"task": "messaging.send_notification_digests",
                             "schedule": crontab(hour=NOTIFICATION_DIGEST_HOUR, minute=0)},
    # Notices posted for later tell their audience once their publication time comes.
    "tell-due-notice-audiences": {"task": "messaging.tell_due_notice_audiences",
                                  "schedule": 300},
    # Reports' files past REPORT_RETENTION_DAYS, at night.
    "remove-expired-reports": {"task": "exports.remove_expired_reports",
                               "schedule": crontab(hour=2, minute=30)},
    # Portal exports whose moment passed while the queue was down, and runs a dead worker left.
    "portal-exports-catch-up": {"task": "exports.catch_up_portal_exports", "schedule": 300},
}

# Backups (archive/backups): made at night, each verified by a restore into a scratch database,
# copied to BACKUP_COPY_DIR (a mounted second place) when set; kept: the newest
# BACKUP_KEEP_DAILY, and the first of each of the last BACKUP_KEEP_MONTHLY months. The
# administrators are told (home page, e-mail) when the newest verified one is older than
# BACKUP_MAX_AGE_HOURS.
BACKUP_HOUR = env_int("BACKUP_HOUR", 1)
BACKUP_MINUTE = env_int("BACKUP_MINUTE", 30)
BACKUP_KEEP_DAILY = env_int("BACKUP_KEEP_DAILY", 14)
BACKUP_KEEP_MONTHLY = env_int("BACKUP_KEEP_MONTHLY", 12)
BACKUP_MAX_AGE_HOURS = env_int("BACKUP_MAX_AGE_HOURS", 36)
BACKUP_COPY_DIR = env_str("BACKUP_COPY_DIR", "")
if not (0 <= BACKUP_HOUR <= 23 and 0 <= BACKUP_MINUTE <= 59):
    raise ImproperlyConfigured("BACKUP_HOUR and BACKUP_MINUTE must be a time of day")
if BACKUP_KEEP_DAILY < 1 or BACKUP_KEEP_MONTHLY < 0:
    raise ImproperlyConfigured("BACKUP_KEEP_DAILY must be at least 1, BACKUP_KEEP_MONTHLY at least 0")
# The year-end archive (archive/years): years journals and summary statements are kept.
ARCHIVE_JOURNAL_YEARS = env_int("ARCHIVE_JOURNAL_YEARS", 5)
ARCHIVE_STATEMENT_YEARS = env_int("ARCHIVE_STATEMENT_YEARS", 25)
# A worker process is replaced after this many tasks, so that memory a PDF took is given back.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 50)
CELERY_BEAT_SCHEDULE.update({
    "backup": {"task": "archive.make_backup",
               "schedule": crontab(hour=BACKUP_HOUR, minute=BACKUP_MINUTE)},
    "backup-age-alert": {"task": "archive.alert_stale_backups", "schedule": crontab(minute=15)},
    # Year archives a killed worker left unfinished go on; files past their date are listed.
    "year-archives-resume": {"task": "archive.resume_year_archives", "schedule": 300},
    "archive-retention": {"task": "archive.list_expired_archive_files",
                          "schedule": crontab(hour=4, minute=0)},
})

# Portal exports (exports/portal): the format (one class per format), and where the files go:
# a drop directory (PORTAL_DROP_DIR) or the portal's HTTPS endpoint (PORTAL_URL with
# PORTAL_TOKEN). Neither set: runs keep their files in EXPORT_ROOT only.
PORTAL_EXPORT_FORMAT = env_str("PORTAL_EXPORT_FORMAT", "ejournal-v1")
PORTAL_DROP_DIR = env_str("PORTAL_DROP_DIR", "")
PORTAL_URL = env_str("PORTAL_URL", "")
PORTAL_TOKEN = env_str("PORTAL_TOKEN", "")
PORTAL_TIMEOUT_SECONDS = env_int("PORTAL_TIMEOUT_SECONDS", 60)
# A failed delivery is tried again this many times, after 1, 2, 4... times the base delay.
PORTAL_DELIVERY_RETRIES = env_int("PORTAL_DELIVERY_RETRIES", 6)
PORTAL_RETRY_BASE_SECONDS = env_int("PORTAL_RETRY_BASE_SECONDS", 60)
if PORTAL_DROP_DIR and PORTAL_URL:
    raise ImproperlyConfigured("Set PORTAL_DROP_DIR or PORTAL_URL, not both")
if PORTAL_URL and not (PORTAL_URL.startswith("https://") or LOCAL):
    raise ImproperlyConfigured("PORTAL_URL must be an https:// address")

# Parents' and students' sign-ins and diary views are kept this long, then pruned.
ACTIVITY_RETENTION_DAYS = env_int("ACTIVITY_RETENTION_DAYS", 365)
# Reports' files made in the background are kept this many days, then removed (file and row).
REPORT_RETENTION_DAYS = env_int("REPORT_RETENTION_DAYS", 7)
if REPORT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("REPORT_RETENTION_DAYS must be a positive number")

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if LOCAL
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ejournal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address as people open it, for links in e-mails (no request to take it from).
SITE_URL = env_str("SITE_URL", f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS and not LOCAL
                   else "http://localhost:8000").rstrip("/")
# Notifications by SMS go through the school's gateway: a POST of JSON with a bearer token
# (messaging/notifications/sms.py). Without a URL the SMS channel is not offered.
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)
# A notification's e-mail or SMS is tried this many times, waiting 1, 2, 4... times
# NOTIFICATION_RETRY_SECONDS between attempts, then marked failed for the administrator.
NOTIFICATION_DELIVERY_ATTEMPTS = env_int("NOTIFICATION_DELIVERY_ATTEMPTS", 5)
NOTIFICATION_RETRY_SECONDS = env_int("NOTIFICATION_RETRY_SECONDS", 60)
for _name in ("SMS_GATEWAY_TIMEOUT", "NOTIFICATION_DELIVERY_ATTEMPTS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be a positive number")
if NOTIFICATION_RETRY_SECONDS < 0:
    raise ImproperlyConfigured("NOTIFICATION_RETRY_SECONDS must not be negative")

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
# Sessions are read from Redis when there is one, and written to both Redis and the table, so a
# page costs no session query and a restart of Redis signs nobody out. Without Redis (the demo)
# the table alone: a cache in each process's memory would keep a session that another process
# ended (signed out, cycled at the second factor) alive in its copy.
SESSION_ENGINE = ("django.contrib.sessions.backends.cached_db" if REDIS_URL
                  else "django.contrib.sessions.backends.db")
# The menu's role flags (accounts.access.navigation_of) are kept this many seconds in the cache:
# a role given or taken shows in the menu within this time (at once after a sign-in); access to
# any page and data is decided on the database every time. 0: read them on every page.
ROLE_FLAGS_SECONDS = env_int("ROLE_FLAGS_SECONDS", 60)
if ROLE_FLAGS_SECONDS < 0:
    raise ImproperlyConfigured("ROLE_FLAGS_SECONDS must not be negative")
# The session's user (accounts/signin/session_user.py) is kept this many seconds in the shared
# cache, dropped at every change of the user, their roles or their authenticator. Only with Redis:
# each process's own memory could not be told of a change made in another. 0: read every time.
SESSION_USER_SECONDS = env_int("SESSION_USER_SECONDS", 300 if REDIS_URL else 0)
if SESSION_USER_SECONDS < 0:
    raise ImproperlyConfigured("SESSION_USER_SECONDS must not be negative")
# What a signed-in request reads first from the cache, read in one round trip
# (ejournal.read_ahead.ReadAheadMiddleware): each a function (request, user id) -> keys.
CACHE_READ_AHEAD = ["accounts.signin.session_user.read_ahead", "diary.views.read_ahead"]
# Sign-in security (accounts/signin/, README «Безопасность входа»). Staff sessions end after
# this many seconds without a request; families keep SESSION_COOKIE_AGE. «Чужой компьютер» at
# sign-in also ends the session when the browser closes.
STAFF_SESSION_AGE = env_int("STAFF_SESSION_AGE", 4 * 3600)
# Lock-out (django-axes): so many wrong passwords for one login, or from one address (more: a
# whole school may sign in from one NAT address), close sign-in for the cool-off, which counts
# from the last counted failure.
SIGNIN_LOGIN_FAILURES = env_int("SIGNIN_LOGIN_FAILURES", 5)
SIGNIN_ADDRESS_FAILURES = env_int("SIGNIN_ADDRESS_FAILURES", 20)
SIGNIN_LOCKOUT_MINUTES = env_int("SIGNIN_LOCKOUT_MINUTES", 15)
for _name in ("STAFF_SESSION_AGE", "SIGNIN_LOGIN_FAILURES", "SIGNIN_ADDRESS_FAILURES",
              "SIGNIN_LOCKOUT_MINUTES"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be a positive number")
# Addresses or networks (CIDR) of the TLS proxy in front of the site: only a request from one of
# them has its X-Forwarded-For believed. Empty: the connection's own address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address or network") from exc
AXES_HANDLER = "accounts.signin.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = "accounts.signin.lockout.login_failure_limit"
AXES_COOLOFF_TIME = "accounts.signin.lockout.cool_off"
# A wrong password during a lock-out does not prolong it, so nobody keeps a teacher out for good;
# and a success resets nothing (it would also reset the failures of others from its address).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "accounts.signin.addresses.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.signin.views.locked_out"
# Sign-ins are not logged by axes (addresses are personal data; families' sign-ins are kept by
# the diary); its lock-outs are on the administrator's «Безопасность входа», not in the admin.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
OTP_TOTP_ISSUER = "Электронный журнал"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# One policy everywhere (production, the demo, the tests): no inline scripts, styles or event
# handlers anywhere; behaviour lives in static/js/, looks in static/css/. Scripts may still set
# element.style (CSSOM), which style-src does not govern.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
if not LOCAL:
    # Behind a TLS-terminating proxy in production.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# `bench/bare/` for the load benchmark (bench/diary_load.py); production leaves it off (404).
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)

# State sign-in (ЕСИА / Госуслуги) through OpenID Connect (accounts/oidc.py). Off unless the
# installation is registered with a provider; when off, its pages answer 404 and no button shows.
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "Госуслуги")
# Stored with every linked identifier: changing it unlinks everyone.
OIDC_PROVIDER = env_str("OIDC_PROVIDER", "esia")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
# The provider's discovery document, or else each of its endpoints.
OIDC_OP_DISCOVERY_URL = env_str("OIDC_OP_DISCOVERY_URL", "")
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = ""  # unused: the signed ID token's `sub` identifies the person
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid")
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
# The site's secret to the token endpoint in an Authorization header instead of the form.
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH", False)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_VERIFY_SSL = True
OIDC_CREATE_USER = False
if OIDC_ENABLED:
    if not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
        raise ImproperlyConfigured("OIDC_ENABLED needs OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET")
    if not OIDC_OP_DISCOVERY_URL and not (OIDC_OP_ISSUER and OIDC_OP_AUTHORIZATION_ENDPOINT
                                          and OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_JWKS_ENDPOINT):
        raise ImproperlyConfigured(
            "OIDC_ENABLED needs OIDC_OP_DISCOVERY_URL, or OIDC_OP_ISSUER, "
            "OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_JWKS_ENDPOINT")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # axes says at INFO that it started and each sign-in; its failures and lock-outs are WARNINGs.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"},
                # WeasyPrint (PDFs) and its font subsetting narrate every step at INFO.
                "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

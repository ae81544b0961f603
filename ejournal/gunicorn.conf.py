"""Gunicorn settings for the container: `gunicorn --config ejournal/gunicorn.conf.py ejournal.wsgi`.

Every value can be changed through the environment; bad values stop the start with a clear message.
"""

import os

from ejournal.env import env_int, env_str

bind = env_str("GUNICORN_BIND", "0.0.0.0:8000")
# Two processes fit the 2-core server the journal is sized for; more for a bigger one.
workers = env_int("WEB_CONCURRENCY", 2)
threads = env_int("GUNICORN_THREADS", 2)
# PDF reports (WeasyPrint) of a whole class can take a while; longer requests are a bug.
timeout = env_int("GUNICORN_TIMEOUT", 120)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so slow leaks (PDF rendering) never grow unbounded.
max_requests = 1000
max_requests_jitter = 100
# A tmpfs heartbeat file: a slow container disk cannot make the arbiter kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - tmpfs, not a shared dir

accesslog = "-"
errorlog = "-"
loglevel = env_str("LOG_LEVEL", "INFO").lower()
# Client address as the TLS proxy saw it, request, status, size, referrer, agent, time in ms.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

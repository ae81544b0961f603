"""Print the database URL the test suite should use: DATABASE_URL when set, else the local
PostgreSQL server when one answers on 127.0.0.1:5432, else nothing (SQLite)."""

import os
import socket

url = os.environ.get("DATABASE_URL", "")
if not url:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            url = "postgres://postgres@127.0.0.1:5432/ejournal"
    except OSError:
        url = ""
print(url)

"""Portal exports: the school's data, depersonalised, to the regional portal on a schedule.

- `scope.py`      what one run covers (`Scope`), made from a `PortalExport` row;
- `content.py`    the rows of each entity for a scope, streamed from server-side cursors;
- `formats/`      one class per file format (`PortalFormat`); ours, `ejournal-v1`, is the default
                  and is described by `schema/` and docs/portal-export.md;
- `transports.py` where the files go: a drop directory or the portal's HTTPS endpoint;
- `runs.py`       starting a run, building and delivering it under a lock, retries, catch-up;
- `schedule.py`   the administrator's schedule, kept in django-celery-beat's tables.
"""

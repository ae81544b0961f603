"""Starts the test provider: `python -m tests.oidc_provider.serve CONFIG_JSON`.

CONFIG_JSON names the client (client_id, client_secret, redirect_uris) and the provider's users
({login: password}). The server listens on a free loopback port and prints one line of JSON,
{"port": ..., "subjects": {login: sub}}, once it answers; then it serves until killed."""

from __future__ import annotations

import io
import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _set_up(config: dict) -> dict[str, str]:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oidc_provider.lib.utils.common import default_sub_generator
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    call_command("creatersakey", stdout=io.StringIO())
    client = Client.objects.create(
        name="Электронный журнал", client_type="confidential", client_id=config["client_id"],
        client_secret=config["client_secret"], jwt_alg="RS256", require_consent=False)
    client.redirect_uris = config["redirect_uris"]
    client.save()
    client.response_types.add(ResponseType.objects.get(value="code"))
    subjects = {}
    for login, password in config["users"].items():
        user = User.objects.create_user(login, password=password)
        subjects[login] = default_sub_generator(user)
    return subjects


def main() -> None:
    config = json.loads(sys.argv[1])
    # The parent is a test run of the project: its settings must not leak in.
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    subjects = _set_up(config)

    from django.core.wsgi import get_wsgi_application

    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=_Server,
                         handler_class=_QuietHandler)
    print(json.dumps({"port": server.server_port, "subjects": subjects}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

"""Run the BigBlueButton stand-in (seminars.bbb_devserver) until interrupted."""

import contextlib

from django.core.management.base import BaseCommand

from seminars.bbb_devserver import DevServer
from seminars.conf import bbb_settings


class Command(BaseCommand):
    help = "Serve a BigBlueButton stand-in for development: in-memory meetings, strict checksums, callbacks."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8090, help="0 picks a free port")
        # By default the site's own BBB_SECRET (the stand-in's secret unless set), so the two agree.
        parser.add_argument("--secret", default=bbb_settings.SECRET)

    def handle(self, *args, host, port, secret, **options):
        server = DevServer(host, port, secret)
        self.stdout.write(
            self.style.WARNING("BigBlueButton stand-in for development only; never use it in production.")
        )
        self.stdout.write(f"BBB_URL={server.url}\nBBB_SECRET={secret}")
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
        server.server_close()

"""Prints the JSON Schema of a data download's data.json; docs/privacy-export.schema.json is its output."""

import json

from django.core.management.base import BaseCommand

from nlu.exports import export_schema


class Command(BaseCommand):
    help = "Print the JSON Schema (draft 2020-12) of data.json in a member's data download, from the installed kinds."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(export_schema(), ensure_ascii=False, indent=2))

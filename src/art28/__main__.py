"""The ``art28`` command: Django's manage.py under the product's name.

Commands are written with hyphens in the docs (``art28 import-inventory``); Django names them
after their module, so the first argument's hyphens are turned into underscores.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "art28.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "art28"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

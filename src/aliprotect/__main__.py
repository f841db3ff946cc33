"""``python -m aliprotect``: the same as the ``aliprotect`` command."""

from aliprotect.cli import main

raise SystemExit(main())

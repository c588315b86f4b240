"""One module per ``envbake`` command, each with ``add_parser`` and ``main``."""

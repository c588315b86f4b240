"""envbake: seal an application's environment into an encrypted file and
start the service with it, from one key.

The API::

    import envbake

    text = envbake.seal({"DATABASE_URL": "postgres://..."}, key, environment="production")
    opened = envbake.open_text(text, key)
    envbake.load("env.encrypted")  # into os.environ; existing values win

Errors are subclasses of :class:`envbake.errors.EnvbakeError`.
"""

from envbake.errors import EnvbakeError
from envbake.keys import generate_key, key_id, parse_key
from envbake.loader import load
from envbake.sealed import Opened, open_text, seal

__version__ = "0.1.0"

__all__ = [
    "EnvbakeError",
    "Opened",
    "__version__",
    "generate_key",
    "key_id",
    "load",
    "open_text",
    "parse_key",
    "seal",
]

"""Generate realistic application environments for the benchmark.

Names look like those of real services (``PAYMENTS_DATABASE_URL``,
``WORKER_3_QUEUE_TIMEOUT_MS``) and values follow the mix of a typical
production environment: short flags and numbers, host names and URLs,
tokens and keys, and a few long base64 blobs such as certificates.

Every value uses only characters that need no quoting in a dotenv file
(no whitespace, quotes, ``#``, ``$`` or backslash), so each tool parses
the same ``NAME=value`` lines to the same values and the minimal
baselines can split lines without a dotenv parser.
"""

from __future__ import annotations

import base64
import random
import string

SERVICES = [
    "API",
    "APP",
    "AUTH",
    "BILLING",
    "CACHE",
    "CDN",
    "CHECKOUT",
    "CRM",
    "EMAIL",
    "EVENTS",
    "FEED",
    "GATEWAY",
    "INVENTORY",
    "LEDGER",
    "MEDIA",
    "METRICS",
    "NOTIFY",
    "ORDERS",
    "PAYMENTS",
    "PROFILE",
    "SEARCH",
    "SESSION",
    "SHIPPING",
    "STORAGE",
    "USERS",
    "WEBHOOK",
    "WORKER",
]
VENDORS = [
    "AWS",
    "AZURE",
    "CLOUDFLARE",
    "DATADOG",
    "GCP",
    "GITHUB",
    "OPENAI",
    "POSTHOG",
    "SENDGRID",
    "SENTRY",
    "SLACK",
    "STRIPE",
    "TWILIO",
]
RESOURCES = [
    "DATABASE",
    "REDIS",
    "QUEUE",
    "BUCKET",
    "SMTP",
    "KAFKA",
    "ELASTIC",
    "MONGO",
    "S3",
    "GRPC",
    "HTTP",
    "OAUTH",
    "JWT",
    "TLS",
    "FEATURE",
]

# Each kind is (setting names, value generator name, weight).
KINDS = [
    (["ENABLED", "DEBUG", "DRY_RUN", "USE_SSL", "VERIFY"], "flag", 10),
    (
        [
            "PORT",
            "TIMEOUT_MS",
            "POOL_SIZE",
            "MAX_RETRIES",
            "TTL_SECONDS",
            "WORKERS",
            "BATCH_SIZE",
            "RATE_LIMIT",
        ],
        "number",
        20,
    ),
    (["LOG_LEVEL", "REGION", "MODE", "ENVIRONMENT", "TIER"], "word", 10),
    (["HOST", "ENDPOINT_HOST", "DOMAIN"], "host", 12),
    (["URL", "ENDPOINT", "CALLBACK_URL", "DSN", "BASE_URL"], "url", 20),
    (
        [
            "API_KEY",
            "SECRET",
            "TOKEN",
            "ACCESS_KEY_ID",
            "SECRET_ACCESS_KEY",
            "CLIENT_SECRET",
            "SIGNING_KEY",
            "WEBHOOK_SECRET",
            "PASSWORD",
        ],
        "secret",
        26,
    ),
    (["CA_BUNDLE_B64", "PUBLIC_KEY_B64", "SERVICE_ACCOUNT_B64"], "blob", 2),
]
WORDS = [
    "debug",
    "info",
    "warning",
    "eu-west-1",
    "us-east-2",
    "ap-south-1",
    "production",
    "strict",
    "relaxed",
    "primary",
    "replica",
    "standard",
]
TLDS = ["internal", "svc.cluster.local", "example.com", "example.net"]
ALNUM = string.ascii_letters + string.digits


def _flag(rng: random.Random) -> str:
    return rng.choice(["true", "false", "1", "0"])


def _number(rng: random.Random) -> str:
    return str(
        rng.choice(
            [
                1,
                3,
                5,
                10,
                30,
                60,
                100,
                250,
                5432,
                6379,
                8080,
                30000,
                86400,
                rng.randint(1, 99999),
            ]
        )
    )


def _word(rng: random.Random) -> str:
    return rng.choice(WORDS)


def _host(rng: random.Random) -> str:
    name = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 12)))
    return f"{name}-{rng.randint(1, 40)}.{rng.choice(TLDS)}"


def _url(rng: random.Random) -> str:
    user = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 8)))
    password = "".join(rng.choices(ALNUM, k=rng.randint(12, 24)))
    scheme = rng.choice(["postgres", "redis", "amqp", "https", "mongodb"])
    path = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 10)))
    query = rng.choice(["", "?sslmode=require", "?timeout=5&retry=true"])
    return (
        f"{scheme}://{user}:{password}@{_host(rng)}:"
        f"{rng.randint(1024, 65535)}/{path}{query}"
    )


def _secret(rng: random.Random) -> str:
    prefix = rng.choice(["", "", "sk_live_", "ghp_", "xoxb-", "AKIA"])
    body = "".join(rng.choices(ALNUM, k=rng.choice([20, 32, 40, 48, 64])))
    return prefix + body


def _blob(rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(rng.randint(600, 1500))).decode()


GENERATORS = {
    "flag": _flag,
    "number": _number,
    "word": _word,
    "host": _host,
    "url": _url,
    "secret": _secret,
    "blob": _blob,
}


def _name(rng: random.Random, setting: str, counter: int) -> str:
    owner = rng.choice([rng.choice(SERVICES), rng.choice(VENDORS)])
    middle = rng.choice(["", "", rng.choice(RESOURCES) + "_"])
    name = f"{owner}_{middle}{setting}"
    # Large environments repeat components, numbered like sharded workers.
    if counter:
        name = f"{owner}_{counter}_{middle}{setting}"
    return name


def generate(count: int, seed: int = 46) -> dict[str, str]:
    """Return ``count`` variables with realistic names and value lengths."""
    rng = random.Random(seed)
    weights = [kind[2] for kind in KINDS]
    variables: dict[str, str] = {}
    counter = 0
    while len(variables) < count:
        settings, generator, _ = rng.choices(KINDS, weights)[0]
        name = _name(rng, rng.choice(settings), counter)
        if name in variables:
            counter = rng.randint(1, max(1, count // 20))
            continue
        variables[name] = GENERATORS[generator](rng)
    return variables


def generate_bytes(
    total_bytes: int, value_length: int = 8192, seed: int = 10
) -> dict[str, str]:
    """Return variables whose ``NAME=value`` strings add up to ``total_bytes``.

    Each value is ``value_length`` characters, far below the kernel's limit
    of 128 KiB for one string, so only the total size is too large to pass
    to a new process.
    """
    rng = random.Random(seed)
    variables: dict[str, str] = {}
    size = 0
    index = 0
    while size < total_bytes:
        name = f"{rng.choice(SERVICES)}_ASSET_{index}_B64"
        value = base64.b64encode(rng.randbytes(value_length * 3 // 4)).decode()
        variables[name] = value
        size += len(name) + 1 + len(value) + 1
        index += 1
    return variables


def environ_size(variables: dict[str, str]) -> int:
    """Return the bytes that ``NAME=value\\0`` strings take in execve()."""
    return sum(len(k.encode()) + len(v.encode()) + 2 for k, v in variables.items())


def to_dotenv(variables: dict[str, str]) -> str:
    """Return the variables as unquoted ``NAME=value`` lines."""
    return "".join(f"{name}={value}\n" for name, value in variables.items())

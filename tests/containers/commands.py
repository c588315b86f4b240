"""The commands that docs/deploy.md gives, exactly as the tests run them.

test_docs.py checks that each one appears verbatim in docs/deploy.md, so
the docs cannot drift from what is tested. They run in bash in the build
context, with ``docker`` resolving to podman.
"""

from __future__ import annotations

#: Build envbake's wheel from a source checkout; run.sh appends the path
#: of the working tree.
BUILD_WHEEL = "pip wheel --no-deps --wheel-dir wheels"
#: Download envbake's dependencies as wheels for the image's Python.
DOWNLOAD_WHEELS = (
    "pip download --dest wheels --only-binary=:all: "
    "--platform manylinux2014_x86_64 --python-version 3.11 wheels/envbake-*.whl"
)

#: Pattern 1: seal in CI, with the build key in ENVBAKE_ENCRYPT_KEY.
SEAL = (
    "envbake seal --input config/app.env --input config/secrets.env "
    "--environment production --output env.encrypted"
)
BUILD_CI_SEALED = "docker build -f Dockerfile.ci-sealed -t myapp:production ."

#: Pattern 2: seal inside the build, with the key as a build secret.
BUILD_SEAL_IN_BUILD = (
    "docker build -f Dockerfile.seal-in-build "
    "--secret id=envbake_key,env=ENVBAKE_ENCRYPT_KEY "
    '--build-arg ENVBAKE_KEY_ID="$(envbake key-id)" -t myapp:production .'
)

#: Pattern 3: the GPU worker, built like pattern 1.
BUILD_GPU_WORKER = "docker build -f Dockerfile.gpu-worker -t gpu-worker:production ."

#: Run with the key in ENVBAKE_KEY, taken from the caller's environment so
#: that it is not on the command line.
RUN_WITH_KEY = "docker run --rm -e ENVBAKE_KEY myapp:production"

#: Run with the key in a mounted file, as a Kubernetes Secret volume or a
#: Docker secret provides it.
RUN_WITH_KEY_FILE = (
    'docker run --rm -v "$PWD/envbake.key:/run/secrets/envbake_key:ro" '
    "-e ENVBAKE_KEY_FILE=/run/secrets/envbake_key myapp:production"
)

#: Local development: decryption off, a plain dotenv file mounted. This is
#: what compose.yaml does.
RUN_DECRYPTION_OFF = (
    "docker run --rm -e ENVBAKE_DISABLE=true "
    "-e ENVBAKE_PLAIN_FILE=/run/envbake/local.env "
    '-v "$PWD/local.env:/run/envbake/local.env:ro" myapp:production'
)

#: An on-start script for hosts that replace the entrypoint (vast.ai's SSH
#: and Jupyter launch modes): load the variables into the shell, drop the
#: key, start the service. The assignment carries export's exit status,
#: which ``eval "$(...)"`` alone would lose.
ON_START_SCRIPT = """\
exports="$(envbake export --format sh)" || exit
eval "$exports"
unset exports ENVBAKE_KEY ENVBAKE_KEY_FILE
python3 /app/worker.py
"""

#: Every command above, by the name the docs test reports.
DOCUMENTED = {
    "BUILD_WHEEL": BUILD_WHEEL,
    "DOWNLOAD_WHEELS": DOWNLOAD_WHEELS,
    "SEAL": SEAL,
    "BUILD_CI_SEALED": BUILD_CI_SEALED,
    "BUILD_SEAL_IN_BUILD": BUILD_SEAL_IN_BUILD,
    "BUILD_GPU_WORKER": BUILD_GPU_WORKER,
    "RUN_WITH_KEY": RUN_WITH_KEY,
    "RUN_WITH_KEY_FILE": RUN_WITH_KEY_FILE,
    "RUN_DECRYPTION_OFF": RUN_DECRYPTION_OFF,
    "ON_START_SCRIPT": ON_START_SCRIPT,
}

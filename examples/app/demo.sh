#!/bin/sh
# Seal the example environment and start the example service with it.
#
# Run from the repository root on a fresh machine: it makes a virtual
# environment in .venv, installs envbake from this checkout, generates a
# key, seals examples/app/app.env and examples/app/secrets.env, starts the
# service through `envbake run`, then shows that a wrong key stops it.
set -eu

cd "$(dirname "$0")/../.."
if [ ! -x .venv/bin/envbake ]; then
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -e .
fi
PATH="$PWD/.venv/bin:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== 1. generate a key (keep it in a secret store, never in the image)"
envbake keygen > "$work/key"
chmod 600 "$work/key"

echo "== 2. seal the regular and the secret file into env.encrypted"
ENVBAKE_ENCRYPT_KEY_FILE="$work/key" envbake seal \
    --input examples/app/app.env --input examples/app/secrets.env \
    --environment production -o "$work/env.encrypted"
envbake inspect "$work/env.encrypted"

echo "== 3. start the service through envbake run with the right key"
ENVBAKE_KEY_FILE="$work/key" envbake run "$work/env.encrypted" -- python3 examples/app/service.py

echo "== 4. a wrong key stops the container before the service starts"
envbake keygen > "$work/wrong-key"
status=0
ENVBAKE_KEY_FILE="$work/wrong-key" envbake run "$work/env.encrypted" -- python3 examples/app/service.py || status=$?
echo "envbake exited with status $status (4 means wrong key)"
test "$status" -eq 4

#!/bin/bash
# On-start script for vast.ai's SSH and Jupyter launch modes, which run
# their own entrypoint instead of the image's. Put the key in the
# template's environment as ENVBAKE_KEY (one variable, whatever the size of
# the environment), and this script in the template's on-start field.
set -eu

# Fails, and stops the script, on a missing or wrong key or a damaged file.
exports=$(envbake export --format sh /app/env.encrypted)
eval "$exports"
unset exports ENVBAKE_KEY ENVBAKE_KEY_FILE

# Variables set here reach only processes started from this script, not
# later SSH sessions, so start the service from here.
nohup python -m myservice >>/var/log/myservice.log 2>&1 &

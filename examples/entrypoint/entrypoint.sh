#!/bin/sh
# Container entrypoint for images that must start through a shell script:
# decrypt the environment with envbake, then replace this shell with the
# service. Prefer ENTRYPOINT ["envbake", "run", "--"] where possible: it
# keeps inherited values over the file's and removes the key variables.
#
#   ENTRYPOINT ["/app/entrypoint.sh"]
#   CMD ["python", "-m", "myservice"]
set -eu

# The assignment keeps envbake's exit status: with set -e a failure stops
# the script here. `eval "$(envbake export ...)"` on one line would hide it,
# because eval of empty text succeeds.
exports=$(envbake export --format sh "${ENVBAKE_FILE:-/app/env.encrypted}")
eval "$exports"
unset exports ENVBAKE_KEY ENVBAKE_KEY_FILE

exec "$@"

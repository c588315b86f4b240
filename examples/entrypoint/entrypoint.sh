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
# export always needs the key, so ENVBAKE_DISABLE=true (local development,
# in any case, as envbake run accepts it) skips it here.
case "${ENVBAKE_DISABLE:-}" in
[Tt][Rr][Uu][Ee]) disabled=true ;;
*) disabled=false ;;
esac
if [ "$disabled" = true ]; then
    echo "entrypoint: ENVBAKE_DISABLE=true, starting without decryption" >&2
else
    exports=$(envbake export --format sh "${ENVBAKE_FILE:-/app/env.encrypted}")
    eval "$exports"
    unset exports
fi
unset ENVBAKE_KEY ENVBAKE_KEY_FILE

exec "$@"

#!/bin/bash
# Run the container end-to-end suite: build images with envbake installed
# from this working tree and check, in a real container engine, what the
# images contain and how their containers start.
#
# Run as root on Debian (bookworm or later), from anywhere. It installs what
# it needs, then calls pytest on tests/containers; arguments go to pytest.
#
# What it sets up, in order:
#   1. podman, runc and mmdebstrap from the distribution's packages, if
#      missing (no Docker engine is needed, and no image is pulled).
#   2. A base root file system (Debian's essential packages with python3,
#      python3-venv and findutils), built by mmdebstrap from the machine's
#      apt sources and cached as a tar file. The cache key covers the suite, the package
#      list and the sources file, so a change to any of them rebuilds it.
#   3. A virtual environment for the test runner (pytest, PyYAML, envbake
#      from this working tree), also cached.
#   4. The wheels the images install offline: envbake built from this
#      working tree and its dependencies downloaded from PyPI for the
#      images' Python, because containers here reach no network at all.
#   5. podman settings: runc with the cgroupfs manager and explicit open
#      files and process limits (crun cannot raise the open-files limit on
#      hosts with a hybrid cgroup layout), vfs storage in a fresh folder per
#      run, chroot isolation for builds, no network for any container, and
#      a pull policy of "never", so nothing is fetched from a registry.
#
# Then pytest runs inside a private network namespace (unshare --net, with
# only the loopback interface up), so that no container or build can add
# NAT rules or forwarding to the host's network.
#
# Environment:
#   ENVBAKE_E2E_CACHE  where the base and the runner's environment are kept
#                      between runs (default: .cache/containers in the
#                      repository, which git ignores)
#   ENVBAKE_E2E_KEEP   set to 1 to keep this run's image storage for a look
#                      afterwards (it is deleted otherwise)
set -euo pipefail

repository=$(cd "$(dirname "$0")/../.." && pwd)
cache=${ENVBAKE_E2E_CACHE:-$repository/.cache/containers}
# The Python inside the images: Debian bookworm's python3.
image_python_version=3.11
base_packages="python3,python3-venv,findutils"

log() {
    printf 'run.sh: [%3d s] %s\n' "$SECONDS" "$*" >&2
}

if [ "$(id -u)" -ne 0 ]; then
    log "run as root: podman with runc and mmdebstrap need it here"
    exit 1
fi
mkdir -p "$cache"

# 1. Tools from the distribution's packages.
missing=""
for package in podman runc mmdebstrap iproute2; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $package"
done
if [ -n "$missing" ]; then
    log "installing$missing"
    apt-get update -qq
    # runc is named first so that it, not crun, satisfies podman's runtime
    # dependency.
    # shellcheck disable=SC2086 # the list is meant to split
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        runc $missing >/dev/null
fi

# 2. The base root file system.
. /etc/os-release
sources=/etc/apt/sources.list.d/debian.sources
if [ ! -f "$sources" ]; then
    sources=/etc/apt/sources.list
fi
base_key=$(
    {
        echo "$VERSION_CODENAME $base_packages essential merged-usr nodoc"
        cat "$sources"
    } | sha256sum | cut -c1-16
)
base_tar=$cache/base-$VERSION_CODENAME-$base_key.tar
if [ ! -f "$base_tar" ]; then
    log "building the base root file system into $base_tar"
    rm -f "$cache"/base-*.tar "$cache"/base-*.tar.partial
    # mmdebstrap, unlike debootstrap, fails when a package fails to
    # configure. The base is kept small (no apt, no documentation or
    # translations, merged /usr set up by a hook instead of the usrmerge
    # package and its Perl), because vfs storage copies a whole image for
    # every layer and every container.
    if ! mmdebstrap --quiet --mode=root --variant=essential --format=tar \
        --include="$base_packages" \
        --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
        --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --dpkgopt='path-exclude=/usr/share/info/*' \
        "$VERSION_CODENAME" "$base_tar.partial" "$sources" \
        >"$cache/mmdebstrap.log" 2>&1; then
        tail -n 30 "$cache/mmdebstrap.log" >&2
        log "mmdebstrap failed; its whole output is in $cache/mmdebstrap.log"
        exit 1
    fi
    mv "$base_tar.partial" "$base_tar"
    log "base built"
fi

# 3. The test runner's virtual environment.
venv=$cache/venv
if [ ! -x "$venv/bin/pytest" ]; then
    log "making the test runner's virtual environment in $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check pytest pyyaml
fi

# 4. Wheels for the images, and envbake for the runner, from this tree.
work=$(mktemp -d /var/tmp/envbake-e2e.XXXXXX)
cleanup() {
    if [ "${ENVBAKE_E2E_KEEP:-0}" = 1 ]; then
        log "kept $work"
    else
        rm -rf "$work"
        log "removed this run's storage"
    fi
}
trap cleanup EXIT
wheels=$work/wheels
log "building envbake's wheel and downloading its dependencies"
# The two commands that docs/deploy.md gives, run in $work.
(
    cd "$work"
    "$venv/bin/pip" wheel --quiet --disable-pip-version-check \
        --no-deps --wheel-dir wheels "$repository"
    "$venv/bin/pip" download --quiet --disable-pip-version-check \
        --dest wheels --only-binary=:all: --platform manylinux2014_x86_64 \
        --python-version "$image_python_version" wheels/envbake-*.whl
)
envbake_wheel=$(ls "$wheels"/envbake-*.whl)
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall \
    "$envbake_wheel"

# 5. podman settings for this run.
mkdir -p "$work/storage" "$work/runroot" "$work/bin"
cat >"$work/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
pull_policy = "never"
EOF
cat >"$work/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$work/storage"
runroot = "$work/runroot"
EOF
# The docs' commands run docker; podman takes the same arguments.
ln -s "$(command -v podman)" "$work/bin/docker"

export CONTAINERS_CONF=$work/containers.conf
export CONTAINERS_STORAGE_CONF=$work/storage.conf
export BUILDAH_ISOLATION=chroot
export ENVBAKE_E2E_WORK=$work
export ENVBAKE_E2E_BASE_TAR=$base_tar
export ENVBAKE_E2E_WHEELS=$wheels
export PATH=$work/bin:$venv/bin:$PATH

cd "$repository"
log "running the suite in a private network namespace"
unshare --net -- /bin/sh -c 'ip link set lo up && exec "$0" "$@"' \
    "$venv/bin/python" -m pytest tests/containers "$@"

#!/usr/bin/env bash
# Usage: apt-ensure.sh COMMAND PACKAGE
# Installs Debian's PACKAGE with apt-get when COMMAND is not on the PATH.
set -euo pipefail
command_name=$1
package=$2
if command -v "$command_name" >/dev/null 2>&1; then
  exit 0
fi
echo "stepscope: '$command_name' is missing; installing Debian's $package with apt-get" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "stepscope: cannot install $package: run 'apt-get install $package' as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y --no-install-recommends "$package" >/dev/null; then
  $sudo apt-get update -qq
  $sudo apt-get install -y --no-install-recommends "$package" >/dev/null
fi
command -v "$command_name" >/dev/null 2>&1 || {
  echo "stepscope: installed $package but '$command_name' is still missing" >&2
  exit 1
}

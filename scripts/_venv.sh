# Sourced by scripts/start and scripts/test: make .venv with Python 3.12 or newer, once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

find_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  for candidate in python3.13 python3.12 python3; do
    for version in "" 3.13.0 3.12.1; do
      if PYENV_VERSION=${version:-${PYENV_VERSION:-}} "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        echo "env PYENV_VERSION=${version:-${PYENV_VERSION:-}} $candidate"; return
      fi
    done
  done
  echo "October Quiz needs Python 3.12 or newer; set PYTHON=/path/to/python3.12" >&2
  exit 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  rm -rf .venv
  $(find_python) -m venv .venv
fi

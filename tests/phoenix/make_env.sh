#!/usr/bin/env bash
# Arize Phoenix's own environment for tests/phoenix: .venvs/phoenix, from the pinned requirements.
#
# Phoenix is a whole server (about 600 MB installed, with its own pins of SQLAlchemy, gRPC, pandas,
# FastAPI...), so it stays out of the workspace: its resolution never constrains ours. The tests
# run it as a separate process and talk to it over OTLP and HTTP on 127.0.0.1.
#
#   bash tests/phoenix/make_env.sh          create or update .venvs/phoenix (CI runs this)
#   bash tests/phoenix/make_env.sh --lock   re-pin tests/phoenix/requirements.txt (edit the version below)
set -euo pipefail
cd "$(dirname "$0")/../.."
PHOENIX_VERSION="20.26.1"
env_dir="${ANY_AGENT_PHOENIX_ENV:-.venvs/phoenix}"

if [ "${1:-}" = "--lock" ]; then
  echo "arize-phoenix==${PHOENIX_VERSION}" | uv pip compile - --python-version 3.11 --universal --quiet \
    --no-header --custom-compile-command "bash tests/phoenix/make_env.sh --lock" -o tests/phoenix/requirements.txt
  exit 0
fi

# The workspace's own interpreter, so no other Python is downloaded.
python=$(uv run --no-sync python -c 'import sys; print(sys._base_executable)')
uv venv --quiet --allow-existing --python "$python" "$env_dir"
VIRTUAL_ENV="$env_dir" uv pip install --quiet --compile-bytecode -r tests/phoenix/requirements.txt
"$env_dir/bin/python" -c "import phoenix; print('Arize Phoenix', phoenix.__version__, 'in $env_dir')"

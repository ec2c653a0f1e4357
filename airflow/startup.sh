#!/usr/bin/env bash
# MWAA startup script: builds a separate Python venv for tools whose dependencies must not mix
# with Airflow's (dbt here), from the wheels shipped in plugins.zip, without internet.
#
# How MWAA runs it (checked against the MWAA images, aws/amazon-mwaa-docker-images):
# - on every container start of every component (scheduler, worker, webserver, "hybrid" on
#   mw1.micro), before requirements.txt is installed and before Airflow starts;
# - through a wrapper that keeps the variables this script exports for Airflow's processes,
#   so the body runs in a subshell: `set -euo pipefail` and `exit` must not leak into it;
# - with a limit of 5 minutes, so the work is skipped when the venv is already current.
#
# MWAA_AIRFLOW_COMPONENT (set by MWAA) names the component. The web server never runs dbt,
# so it skips the install and starts faster.

VENV_NAME="dbt"
export DBT_VENV_PATH="${AIRFLOW_HOME:-/usr/local/airflow}/${VENV_NAME}_venv"

build_venv() (
  set -euo pipefail

  local plugins_dir="${AIRFLOW_HOME:-/usr/local/airflow}/plugins"
  local requirements="${plugins_dir}/startup-requirements.txt"
  local stamp="${DBT_VENV_PATH}/.startup-requirements.sha256"

  if [[ ! -f "${requirements}" ]]; then
    echo "startup.sh: ${requirements} is missing: was plugins.zip built with the startup requirements?" >&2
    return 1
  fi

  # The venv is current when it was built from the same requirements and the same wheels.
  local wanted
  wanted="$(cat "${requirements}" <(ls -1 "${plugins_dir}"/*.whl 2>/dev/null) | sha256sum | cut -d' ' -f1)"
  if [[ -x "${DBT_VENV_PATH}/bin/python" && -f "${stamp}" && "$(cat "${stamp}")" == "${wanted}" ]]; then
    echo "startup.sh: ${DBT_VENV_PATH} is up to date"
    return 0
  fi

  echo "startup.sh: building ${DBT_VENV_PATH} from ${requirements}"
  rm -rf "${DBT_VENV_PATH}"
  python3 -m venv "${DBT_VENV_PATH}"
  # MWAA sets PIP_USER=true for Airflow's own installs, and a venv refuses --user installs.
  # Any pip variable of Airflow's installs (constraints, indexes) must not steer the venv's either.
  unset PIP_CONSTRAINT PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_TARGET PIP_PREFIX
  PIP_USER=false "${DBT_VENV_PATH}/bin/pip" install \
    --quiet --disable-pip-version-check --no-input \
    --no-index --find-links "${plugins_dir}" \
    -r "${requirements}"
  echo "${wanted}" > "${stamp}"
  echo "startup.sh: ${DBT_VENV_PATH} ready"
)

if [[ "${MWAA_AIRFLOW_COMPONENT:-}" != "webserver" ]]; then
  build_venv || echo "startup.sh: ERROR: the ${VENV_NAME} venv was not built; tasks that use ${DBT_VENV_PATH} will fail" >&2
fi

#!/bin/sh
# Waits until an MWAA environment is AVAILABLE (README "First deploy", step 5).
#
#   operations/wait-available.sh <environment-name> <region>
#
# Exit 0 at AVAILABLE. Exit 1, saying why, at CREATE_FAILED, UPDATE_FAILED or any status that
# does not lead to AVAILABLE by itself (DELETING, DELETED, UNAVAILABLE), or when the AWS CLI fails
# (credentials, Region, a wrong name). Statuses: @aws-sdk/client-mwaa EnvironmentStatus; the
# failure's reason is Environment.LastUpdate.Error (ErrorCode, ErrorMessage) of GetEnvironment.
# MWAA_WAIT_SECONDS sets the pause between checks (default 60).
set -u
name=${1:?usage: operations/wait-available.sh <environment-name> <region>}
region=${2:?usage: operations/wait-available.sh <environment-name> <region>}
pause=${MWAA_WAIT_SECONDS:-60}

while :; do
  if ! status=$(aws mwaa get-environment --name "$name" --region "$region" --query Environment.Status --output text 2>&1); then
    echo "wait-available: the AWS CLI failed for $name in $region: $status" >&2
    exit 1
  fi
  case "$status" in
    AVAILABLE)
      echo "$name: AVAILABLE"
      exit 0 ;;
    CREATING | UPDATING | PENDING | CREATING_SNAPSHOT | ROLLING_BACK | MAINTENANCE)
      echo "$name: $status, checking again in ${pause} s"
      sleep "$pause" ;;
    *)
      why=$(aws mwaa get-environment --name "$name" --region "$region" --query 'Environment.LastUpdate.Error.[ErrorCode, ErrorMessage]' --output text 2>&1)
      echo "wait-available: $name is $status: ${why:-no error recorded} (docs/troubleshooting.md)" >&2
      exit 1 ;;
  esac
done

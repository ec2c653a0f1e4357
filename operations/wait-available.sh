#!/bin/sh
# Waits until an MWAA environment is AVAILABLE (README "First deploy", step 5; the deploy workflow).
#
#   operations/wait-available.sh [--allow-missing] <environment-name> <region>
#
# Exit 0 at AVAILABLE, or with --allow-missing when the environment does not exist (yet: the first
# deploy creates it). Exit 1, saying why, at CREATE_FAILED, UPDATE_FAILED or any status that
# does not lead to AVAILABLE by itself (DELETING, DELETED, UNAVAILABLE), when the AWS CLI fails
# (credentials, Region, a wrong name), or when MWAA_WAIT_MAX_MINUTES (default 180) have passed.
# Statuses: @aws-sdk/client-mwaa EnvironmentStatus; the failure's reason is
# Environment.LastUpdate.Error (ErrorCode, ErrorMessage) of GetEnvironment, which the AWS CLI's text
# output prints as None when no error is recorded.
# MWAA_WAIT_SECONDS sets the pause between checks (default 60).
set -u
usage="usage: operations/wait-available.sh [--allow-missing] <environment-name> <region>"
allow_missing=no
if [ "${1:-}" = --allow-missing ]; then
  allow_missing=yes
  shift
fi
name=${1:?$usage}
region=${2:?$usage}
pause=${MWAA_WAIT_SECONDS:-60}
max_minutes=${MWAA_WAIT_MAX_MINUTES:-180}
case "$max_minutes" in
  '' | *[!0-9]*)
    echo "wait-available: MWAA_WAIT_MAX_MINUTES=$max_minutes: a whole number of minutes" >&2
    exit 1 ;;
esac
started=$(date +%s)

while :; do
  if ! status=$(aws mwaa get-environment --name "$name" --region "$region" --query Environment.Status --output text 2>&1); then
    case "$allow_missing:$status" in
      yes:*ResourceNotFoundException*)
        echo "$name: not found in $region (not created yet)"
        exit 0 ;;
    esac
    echo "wait-available: the AWS CLI failed for $name in $region: $status" >&2
    exit 1
  fi
  case "$status" in
    AVAILABLE)
      echo "$name: AVAILABLE"
      exit 0 ;;
    CREATING | UPDATING | PENDING | CREATING_SNAPSHOT | ROLLING_BACK | MAINTENANCE)
      waited=$(($(date +%s) - started))
      if [ "$waited" -ge $((max_minutes * 60)) ]; then
        echo "wait-available: $name is still $status after $((waited / 60)) minutes (MWAA_WAIT_MAX_MINUTES=$max_minutes); stopped waiting, MWAA goes on (docs/troubleshooting.md)" >&2
        exit 1
      fi
      echo "$name: $status, checking again in ${pause} s"
      sleep "$pause" ;;
    *)
      why=$(aws mwaa get-environment --name "$name" --region "$region" --query 'Environment.LastUpdate.Error.[ErrorCode, ErrorMessage]' --output text 2>&1)
      case "$(printf '%s' "$why" | tr -d ' \t\n')" in
        '' | None | NoneNone) why="no error recorded" ;;
      esac
      echo "wait-available: $name is $status: $why (docs/troubleshooting.md)" >&2
      exit 1 ;;
  esac
done

"""Runs a command from the venv startup.sh builds (stands in for `dbt build`)."""

import os

import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator

# startup.sh exports DBT_VENV_PATH; the default is where it creates the venv on MWAA.
DBT_VENV_PATH = os.environ.get("DBT_VENV_PATH", "/usr/local/airflow/dbt_venv")

with DAG(
    dag_id="dbt_from_startup_venv",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
) as dag:
    BashOperator(
        task_id="run_dbt_runner",
        # The venv's own executable: its packages stay apart from Airflow's.
        bash_command=f"{DBT_VENV_PATH}/bin/acme-dbt-runner build --target prod",
    )

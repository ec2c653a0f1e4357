"""A plain DAG for Airflow 2 (the Airflow 3 version is in airflow/dags/): uses a package installed from plugins.zip and the sample plugin's macro."""

import pendulum
from airflow import DAG
from airflow.decorators import task
from airflow.operators.bash import BashOperator

with DAG(
    dag_id="hello_private_mwaa",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
) as dag:

    @task
    def greet() -> str:
        # Imported in the task, not at the top: the scheduler parses this file often.
        from acme_airflow_helpers import greeting

        return greeting("private MWAA")

    where = BashOperator(
        task_id="where",
        bash_command="echo running in {{ macros.acme.environment_label() }}",
    )

    greet() >> where

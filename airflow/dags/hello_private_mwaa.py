"""A plain DAG for Airflow 3: uses a package installed from plugins.zip and the sample plugin's macro.

Airflow 3 imports DAG authoring from airflow.sdk and the Bash operator from the standard provider
(apache-airflow-providers-standard example_dags/example_bash_operator.py). The Airflow 2 version
of this file is in airflow/dags-airflow2/.
"""

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, task

with DAG(
    dag_id="hello_private_mwaa",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
) as dag:

    @task
    def greet() -> str:
        # Imported in the task, not at the top: the DAG processor parses this file often.
        from acme_airflow_helpers import greeting

        return greeting("private MWAA")

    where = BashOperator(
        task_id="where",
        bash_command="echo running in {{ macros.acme.environment_label() }}",
    )

    greet() >> where

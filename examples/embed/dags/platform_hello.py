"""A DAG of the platform team's app, uploaded by the embedded construct."""
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator

with DAG(dag_id="platform_hello", start_date=datetime(2025, 1, 1), schedule=None, catchup=False):
    EmptyOperator(task_id="hello")

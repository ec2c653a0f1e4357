"""A tiny Airflow plugin: a template macro, {{ macros.acme.environment_label() }}."""

import os

from airflow.plugins_manager import AirflowPlugin


def environment_label() -> str:
    """The MWAA environment's name (MWAA sets AIRFLOW_ENV_NAME), or "local" elsewhere."""
    return os.environ.get("AIRFLOW_ENV_NAME", "local")


class AcmePlugin(AirflowPlugin):
    name = "acme"
    macros = [environment_label]

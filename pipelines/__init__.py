"""mkpi's orchestration: Dagster assets, checks, schedules and the `mkpi` command line."""

"""The Dagster layer: assets, resources, schedule, sensors, the Definitions and the in-process nightly
run. Everything outside this folder is plain Python that runs without Dagster."""

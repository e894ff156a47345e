"""Building the marts: which nodes a night rebuilds, dbt in this process, the Spark hand-overs, and the docs written from dbt."""

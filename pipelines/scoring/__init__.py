"""KPI scoring: each person's weighted scorecard from the marts and a lead's manual inputs."""

"""The static HTML KPI report and the scorecards CSV."""

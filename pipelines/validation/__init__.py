"""Raw-data expectations (Great Expectations 1.x) on the landed tables."""

"""A night's mechanics: the working and published files, the run lock and supervisor, what a warehouse's nights keep, timings and the closing summary."""

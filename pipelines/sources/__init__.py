"""Getting data in: pulling the API sources, landing's notes to the night, and the demo organisation's exports."""

"""One module per API platform; each maps its responses onto the canonical tables."""

"""search (docstring written in a later step)."""

"""spelling (docstring written in a later step)."""

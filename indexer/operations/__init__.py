"""operations (docstring written in a later step)."""

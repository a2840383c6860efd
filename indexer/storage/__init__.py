"""storage (docstring written in a later step)."""

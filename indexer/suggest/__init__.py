"""suggest (docstring written in a later step)."""

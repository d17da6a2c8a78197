"""Errors the user can act on. Their messages name the file, row and field where it matters;
pages show them as they are (never as an exception trace)."""


class UserError(Exception):
    """Base class: a problem with input or environment that the user can fix."""

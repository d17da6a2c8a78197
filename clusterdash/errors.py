"""Errors the user can act on. Their messages name the file, row and field where it matters;
pages show them as they are (never as an exception trace)."""


class UserError(Exception):
    """Base class: a problem with input or environment that the user can fix."""


class TextConflict(UserError):
    """A text was saved against an outdated version: someone else saved the same field after the
    writer's page had loaded it. Nothing was written over their text; the refused text is kept in
    the change history. Carries both texts and who saved theirs, and when (UTC)."""

    def __init__(self, *, what: str, field: str, mine, theirs, loaded=None, changed_by: str | None = None,
                 changed_at=None):
        self.what, self.field = what, field
        self.mine, self.theirs, self.loaded = mine, theirs, loaded
        self.changed_by, self.changed_at = changed_by, changed_at
        who = changed_by or "someone else"
        when = f" at {changed_at:%H:%M} UTC" if hasattr(changed_at, "strftime") else ""
        super().__init__(f"{what}, {field}: {who} saved a different text{when} after your page had loaded it. "
                         "Yours was not saved over it: it is kept in the change history.")

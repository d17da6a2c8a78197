"""Ordered schema migrations: one module ``vNNN_<name>.py`` per version (see clusterdash.schema)."""

"""Paths and settings, all overridable through the environment."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
KNOWLEDGE_DIR = DATA_DIR / "knowledge"
GEO_DIR = DATA_DIR / "geo"
DEFAULT_DB_PATH = REPO_ROOT / "var" / "clusterdash.duckdb"


def db_path() -> Path:
    """The store's path: ``$CLUSTERDASH_DB`` or ``var/clusterdash.duckdb`` in the repo."""
    env = os.environ.get("CLUSTERDASH_DB")
    return Path(env).expanduser() if env else DEFAULT_DB_PATH


def shared_data_dir() -> Path:
    """The public datasets beside the repo (``../shared/data``), or ``$CLUSTERDASH_SHARED_DATA``."""
    env = os.environ.get("CLUSTERDASH_SHARED_DATA")
    return Path(env).expanduser() if env else REPO_ROOT.parent / "shared" / "data"

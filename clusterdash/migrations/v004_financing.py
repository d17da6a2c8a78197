"""Version 4: financing — a cluster organisation's own income and costs, its multi-year
planner settings and its 12-month liquidity plan, per workspace.

The financing knowledge (sources, levers, regional patterns, named mixes, rules of thumb, cost
categories) is declared in v001 (``kb_financing_*``, ``kb_cost_category``); this migration adds
the user layer only. Amounts are in the workspace's currency (``financing_profile.currency``).
Income categories and their codes are fixed in :mod:`clusterdash.financing`; cost categories are
those of ``kb_cost_category``.
"""

from clusterdash.schema import LAYER_USER, Table, col

VERSION = 4
NAME = "financing: income and costs per workspace, planner and liquidity settings"

WORKSPACE_ID = col("workspace_id", "VARCHAR", "Workspace the row belongs to.", nullable=False)
UPDATED_AT = col("updated_at", "TIMESTAMP", "Last change (UTC).", nullable=False)

FINANCING_PROFILE = Table(
    name="financing_profile",
    description="Facts about the workspace's cluster organisation that the financing views need: "
    "currency of all amounts, founding year (for the guide's five-year rule) and number of members "
    "(for the planner's fee per member).",
    layer=LAYER_USER,
    workspace_column="workspace_id",
    columns=(
        WORKSPACE_ID,
        col("currency", "VARCHAR", "Currency of every financing amount of the workspace (e.g. EUR, MAD).", nullable=False),
        col("founding_year", "INTEGER", "Year the cluster organisation started work; NULL if not entered."),
        col("members", "INTEGER", "Number of paying members in the latest year entered; NULL if not entered."),
        UPDATED_AT,
    ),
    primary_key=("workspace_id",),
)

FINANCING_ENTRY = Table(
    name="financing_entry",
    description="A cluster organisation's income by source and costs by category, per year, as the "
    "user entered or imported them. A missing row means 'not entered'; 0 means zero.",
    layer=LAYER_USER,
    workspace_column="workspace_id",
    columns=(
        WORKSPACE_ID,
        col("year", "INTEGER", "Calendar year of the amount.", nullable=False),
        col("entry_kind", "VARCHAR", "income or cost.", nullable=False),
        col(
            "category_code",
            "VARCHAR",
            "Income: public_local, public_regional, public_national, membership_fees, fee_based_services, "
            "sponsoring, publicly_funded_projects, other. Cost: a cost_code of kb_cost_category.",
            nullable=False,
        ),
        col("amount", "DOUBLE", "Amount in the workspace's currency (financing_profile.currency); never negative.", nullable=False),
        UPDATED_AT,
    ),
    primary_key=("workspace_id", "year", "entry_kind", "category_code"),
)

FINANCING_PLAN = Table(
    name="financing_plan",
    description="Inputs of the multi-year financing planner (one row per workspace): horizon, target "
    "public share and the financing levers. NULL means 'use the default'.",
    layer=LAYER_USER,
    workspace_column="workspace_id",
    columns=(
        WORKSPACE_ID,
        col("horizon_years", "INTEGER", "Number of years planned after the base year."),
        col("target_public_pct", "DOUBLE", "Target share of baseline public support in total income, in %."),
        col("public_change_pct", "DOUBLE", "Change of baseline public support per year, in % (negative = reduction)."),
        col("new_members_per_year", "DOUBLE", "New paying members acquired each year."),
        col("new_member_fee", "DOUBLE", "Annual fee of a new member in the base year (currency of the workspace)."),
        col("fee_change_pct", "DOUBLE", "Change of membership fees per year, in %."),
        col("new_services_per_year", "DOUBLE", "Income from new fee-based services added each year (currency)."),
        col("service_price_change_pct", "DOUBLE", "Price change of existing fee-based services per year, in %."),
        col("sponsoring_change_per_year", "DOUBLE", "Change of sponsoring income per year (currency)."),
        col("projects_change_per_year", "DOUBLE", "Change of income from publicly funded projects per year (currency)."),
        col("cost_change_pct", "DOUBLE", "Change of total costs per year, in %."),
        UPDATED_AT,
    ),
    primary_key=("workspace_id",),
)

FINANCING_LIQUIDITY = Table(
    name="financing_liquidity",
    description="Opening cash balance of the 12-month liquidity plan, per workspace and year.",
    layer=LAYER_USER,
    workspace_column="workspace_id",
    columns=(
        WORKSPACE_ID,
        col("year", "INTEGER", "Year planned (January to December).", nullable=False),
        col("opening_balance", "DOUBLE", "Cash at the start of January (currency of the workspace); may be negative.", nullable=False),
        UPDATED_AT,
    ),
    primary_key=("workspace_id", "year"),
)

FINANCING_TIMING = Table(
    name="financing_timing",
    description="When in the year each income source is received and each cost category is paid, "
    "for the 12-month liquidity plan. No row means the default timing.",
    layer=LAYER_USER,
    workspace_column="workspace_id",
    columns=(
        WORKSPACE_ID,
        col("entry_kind", "VARCHAR", "income or cost.", nullable=False),
        col("category_code", "VARCHAR", "Income or cost category (as in financing_entry).", nullable=False),
        col(
            "timing_code",
            "VARCHAR",
            "monthly, quarterly_start (Jan/Apr/Jul/Oct), quarterly_end (Mar/Jun/Sep/Dec), "
            "half_yearly (Jan/Jul) or once (in pay_month).",
            nullable=False,
        ),
        col("pay_month", "INTEGER", "Month 1-12 of a one-off payment (timing_code = once)."),
        UPDATED_AT,
    ),
    primary_key=("workspace_id", "entry_kind", "category_code"),
)

TABLES = [FINANCING_PROFILE, FINANCING_ENTRY, FINANCING_PLAN, FINANCING_LIQUIDITY, FINANCING_TIMING]

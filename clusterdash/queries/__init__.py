"""Every read and write of the store the app makes, one module per concept.

``from clusterdash import queries; queries.list_workspaces(store)``: every public function and
constant of the modules below is available as ``queries.<name>``.

- :mod:`~clusterdash.queries.common` — clock, the write guard (write inside an active
  workspace), ``next_seq``, row helpers; the one retry layer is ``Store.write``
- :mod:`~clusterdash.queries.workspaces` — workspaces: list, create, archive, duplicate, overview
- :mod:`~clusterdash.queries.knowledge` — any knowledge table (``knowledge_table``), the index
- :mod:`~clusterdash.queries.checklists` — checklist items, answers, change history
- :mod:`~clusterdash.queries.initiatives` — cluster initiatives and their value chains
- :mod:`~clusterdash.queries.maturity` — questionnaire, assessments, answers, recommendations
- :mod:`~clusterdash.queries.toolkit` — the guide's tools per workspace
- :mod:`~clusterdash.queries.texts` — compare and set of texts, their change history (text_change)
- :mod:`~clusterdash.queries.financing` — financing knowledge and each workspace's figures
- :mod:`~clusterdash.queries.statistics` — imported regional statistics and indicators
- :mod:`~clusterdash.queries.analysis` — shift-share, structure, wages, drill-down, economic areas,
  clusters found in the data (issue #12)

Rules: SQL is parameterised (``?``); identifiers (table and column names) come only from the
schema metadata or fixed lists in this package, never from user input. Functions take the
:class:`~clusterdash.store.Store` first and return DataFrames (reads) or plain values. Each
write is one ``store.write`` transaction. Validation is done by the domain modules
(``clusterdash.workspaces``, ``checklists``, ``maturity``, ...), which never import this package.
"""

from __future__ import annotations

from clusterdash.queries.common import (
    utcnow,
)
from clusterdash.queries.workspaces import (
    DEFAULT_WORKSPACE_NAME, list_workspaces, get_workspace, new_workspace_id, create_workspace,
    default_workspace, is_workspace_archived, rename_workspace, archive_workspace, restore_workspace,
    duplicate_workspace, workspace_overview,
)
from clusterdash.queries.knowledge import (
    KNOWLEDGE_ORDER, knowledge_table_names, knowledge_table, headline_facts, source_documents,
    knowledge_index, knowledge_topics, knowledge_counts, maturity_stages, guidance_items, cluster_obstacles,
    glossary, learn_topics, learn_items, cluster_shapes, concept_timeline, example_swot, further_reading,
    guidance_lists, guidance_list, guidance_list_items, world_regions, region_points, country_regions, region_initiatives,
    policy_programmes, programme_links,
)
from clusterdash.queries.checklists import (
    checklist_board, checklist_lists, checklist_area_intros, checklist_answer, save_checklist_answer,
    checklist_changes, checklist_version, save_action_due, checklist_participants,
)
from clusterdash.queries.initiatives import (
    initiatives, get_initiative, new_initiative_id, add_user_initiative, update_user_initiative,
    delete_user_initiative, value_chain_stage_count, value_chain_mapping_guidance, value_chain_templates,
    value_chain_template_stages, value_chain_stages, value_chain_overview, add_value_chain_stage,
    update_value_chain_stage, delete_value_chain_stage, move_value_chain_stage, apply_value_chain_template,
)
from clusterdash.queries.maturity import (
    MAX_PARTICIPANT_CHARS, MAX_ASSESSMENT_LABEL_CHARS, check_participant, assessment_statements,
    assessment_dimensions, assessment_checks, stage_characteristics, list_assessments, get_assessment,
    create_assessment, update_assessment, delete_assessment, save_assessment_answer, assessment_answers, assessment_version,
    assessment_participants, assessed_initiatives, stage_recommendations, set_assessment_state,
)
from clusterdash.queries.toolkit import (
    toolkit_phase_tools, toolkit_notes, stakeholder_examples, canvas_blocks, legal_forms, legal_form_points,
    pre_assessed_services, staffing_criteria, toolkit_counts, stakeholders, add_stakeholder,
    update_stakeholder, delete_stakeholder, add_example_stakeholders, swot_items, add_swot_item,
    update_swot_item, delete_swot_item, canvas_entries, save_canvas_entry, CANVAS_HEADER_FIELDS,
    canvas_header, save_canvas_header, legal_form_answers, save_legal_form_answer, cluster_services,
    add_cluster_service, update_cluster_service, delete_cluster_service, add_example_services, team_members,
    add_team_member, update_team_member, delete_team_member, team_skill_scores, save_team_skill_score,
)
from clusterdash.queries.financing import (
    financing_sources, financing_levers, financing_patterns, financing_mixes, financing_figures,
    financing_rules, cost_categories, FINANCING_DEFAULT_CURRENCY, financing_profile, set_financing_profile,
    financing_entries, set_financing_entry, import_financing_entries, delete_financing_year,
    financing_plan_inputs, set_financing_plan_value, financing_opening_balance, set_financing_opening_balance,
    financing_timings, set_financing_timing,
)
from clusterdash.queries.texts import (
    TextConflict, NOT_CHECKED, text_changes,
)
from clusterdash.queries.statistics import (
    stats_datasets, stats_dataset, stats_regions, stats_clusters, stats_relatedness, stats_rejected_rows,
    stats_industries, stats_indicators, stats_region_strength, import_stats, delete_stats_dataset,
    load_stats_demo, stats_demo_available, stats_dataset_profile, stats_year_coverage, stats_cluster_coverage,
    attach_stats_crosswalk, stats_embedded_about, stats_embedded_status, reload_stats_embedded, shared_crosswalk_files,
)
from clusterdash.queries.analysis import (
    analysis_shift_share, analysis_structure, analysis_wages, analysis_region_wages, analysis_drilldown,
    analysis_subclusters, analysis_export, find_candidate_clusters, official_clusters, candidate_groupings,
    save_candidate_grouping, apply_candidate_grouping, restore_cluster_definition,
    aggregate_counties_to_economic_areas,
)
from clusterdash.queries.votes import (
    create_vote, list_votes, get_vote, vote_options, vote_dots, set_dots, set_vote_state, new_vote_round,
    choose_vote_actions, save_vote_action, remove_vote_action, vote_actions,
)
from clusterdash.queries.countdown import get_countdown, start_countdown, pause_countdown, reset_countdown

__all__ = [
    'utcnow', 'DEFAULT_WORKSPACE_NAME', 'list_workspaces', 'get_workspace', 'new_workspace_id',
    'create_workspace', 'default_workspace', 'is_workspace_archived', 'rename_workspace', 'archive_workspace',
    'restore_workspace', 'duplicate_workspace', 'workspace_overview', 'KNOWLEDGE_ORDER',
    'knowledge_table_names', 'knowledge_table', 'headline_facts', 'source_documents', 'knowledge_index',
    'knowledge_topics', 'knowledge_counts', 'maturity_stages', 'guidance_items', 'cluster_obstacles',
    'glossary', 'learn_topics', 'learn_items', 'cluster_shapes', 'concept_timeline', 'example_swot',
    'further_reading', 'guidance_lists', 'guidance_list', 'guidance_list_items', 'world_regions', 'region_points', 'country_regions',
    'region_initiatives', 'policy_programmes', 'programme_links',
    'checklist_board', 'checklist_lists', 'checklist_area_intros', 'checklist_answer',
    'save_checklist_answer', 'save_action_due', 'checklist_changes', 'checklist_version', 'checklist_participants', 'initiatives', 'get_initiative', 'new_initiative_id',
    'add_user_initiative', 'update_user_initiative', 'delete_user_initiative', 'value_chain_stage_count',
    'value_chain_mapping_guidance', 'value_chain_templates', 'value_chain_template_stages',
    'value_chain_stages', 'value_chain_overview', 'add_value_chain_stage', 'update_value_chain_stage',
    'delete_value_chain_stage', 'move_value_chain_stage', 'apply_value_chain_template',
    'MAX_PARTICIPANT_CHARS', 'MAX_ASSESSMENT_LABEL_CHARS', 'check_participant', 'assessment_statements',
    'assessment_dimensions', 'assessment_checks', 'stage_characteristics', 'list_assessments',
    'get_assessment', 'create_assessment', 'update_assessment', 'delete_assessment', 'save_assessment_answer',
    'assessment_answers', 'assessment_version', 'assessment_participants', 'set_assessment_state', 'assessed_initiatives', 'stage_recommendations',
    'toolkit_phase_tools', 'toolkit_notes', 'stakeholder_examples', 'canvas_blocks', 'legal_forms',
    'legal_form_points', 'pre_assessed_services', 'staffing_criteria', 'toolkit_counts', 'stakeholders',
    'add_stakeholder', 'update_stakeholder', 'delete_stakeholder', 'add_example_stakeholders', 'swot_items',
    'add_swot_item', 'update_swot_item', 'delete_swot_item', 'canvas_entries', 'save_canvas_entry',
    'CANVAS_HEADER_FIELDS', 'canvas_header', 'save_canvas_header', 'legal_form_answers',
    'save_legal_form_answer', 'cluster_services', 'add_cluster_service', 'update_cluster_service',
    'delete_cluster_service', 'add_example_services', 'team_members', 'add_team_member', 'update_team_member',
    'delete_team_member', 'team_skill_scores', 'save_team_skill_score', 'financing_sources',
    'financing_levers', 'financing_patterns', 'financing_mixes', 'financing_figures', 'financing_rules',
    'cost_categories', 'FINANCING_DEFAULT_CURRENCY', 'financing_profile', 'set_financing_profile',
    'financing_entries', 'set_financing_entry', 'import_financing_entries', 'delete_financing_year',
    'financing_plan_inputs', 'set_financing_plan_value', 'financing_opening_balance',
    'set_financing_opening_balance', 'financing_timings', 'set_financing_timing', 'stats_datasets',
    'stats_dataset', 'stats_regions', 'stats_clusters', 'stats_relatedness', 'stats_rejected_rows',
    'stats_industries', 'stats_indicators', 'stats_region_strength', 'import_stats', 'delete_stats_dataset',
    'load_stats_demo', 'stats_demo_available', 'stats_dataset_profile', 'stats_year_coverage',
    'stats_cluster_coverage', 'attach_stats_crosswalk', 'stats_embedded_about', 'stats_embedded_status',
    'reload_stats_embedded', 'shared_crosswalk_files',
    'analysis_shift_share', 'analysis_structure', 'analysis_wages', 'analysis_region_wages', 'analysis_drilldown',
    'analysis_subclusters', 'analysis_export', 'find_candidate_clusters', 'official_clusters',
    'candidate_groupings', 'save_candidate_grouping', 'apply_candidate_grouping', 'restore_cluster_definition',
    'aggregate_counties_to_economic_areas',
    'TextConflict', 'NOT_CHECKED', 'text_changes',
    'create_vote', 'list_votes', 'get_vote', 'vote_options', 'vote_dots', 'set_dots', 'set_vote_state',
    'new_vote_round', 'choose_vote_actions', 'save_vote_action', 'remove_vote_action', 'vote_actions',
    'get_countdown', 'start_countdown', 'pause_countdown', 'reset_countdown',
]

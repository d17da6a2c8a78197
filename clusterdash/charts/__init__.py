"""Chart builders: functions that take DataFrames and return plotly figures or pydeck decks.
No Streamlit here. One module per pillar."""

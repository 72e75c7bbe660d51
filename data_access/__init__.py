"""rdash's data layer: database, schema, loading into Polars, metrics, writes and demo data.

Nothing here imports streamlit; everything above receives Polars frames.
"""

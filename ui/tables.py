"""Tables shown the way the reader's locale writes numbers (`28 967`, not `28967`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def localized(frame: pd.DataFrame) -> dict:
    """column_config giving every numeric column the browser locale's digit grouping."""
    return {c: st.column_config.NumberColumn(format="localized")
            for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])}

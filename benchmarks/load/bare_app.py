"""The yardstick: a bare Streamlit page with one metric, measured beside the app in the same run.

Its CPU per view is Streamlit's own floor on this machine (session, script run, messages).
"""

import streamlit as st

st.metric("Bijstand", "12.345", "-2,1%")

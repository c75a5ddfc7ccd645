"""Placeholder until the review app lands: routes to a single page."""
import streamlit as st

st.set_page_config(page_title="MT review", layout="wide")
st.title("MT review")
st.write("The review app is being built.")

"""The Streamlit review app: screens (``screens/``), shared widgets (``common``), and pure helpers
(``uploads``, ``sources``, ``jobs``, ``render``, ``frames``) that do not import Streamlit."""

"""The review app's routes. Run with ``python -m streamlit run review_app/app.py``.

Screens live in ``review_app/ui/screens/``; this file only declares them.
"""

import streamlit as st

st.set_page_config(page_title="MT review", page_icon=":material/translate:", layout="wide")

navigation = st.navigation(
    [
        st.Page("ui/screens/overview.py", title="Overview", icon=":material/monitoring:", url_path="overview", default=True),
        st.Page("ui/screens/segments.py", title="Segments", icon=":material/view_list:", url_path="segments"),
        st.Page("ui/screens/detail.py", title="Segment detail", icon=":material/compare:", url_path="segment"),
        st.Page("ui/screens/review.py", title="Review", icon=":material/rate_review:", url_path="review"),
        st.Page("ui/screens/glossary.py", title="Glossary", icon=":material/dictionary:", url_path="glossary"),
        st.Page("ui/screens/open_files.py", title="Open files", icon=":material/upload_file:", url_path="open"),
    ],
    position="top",
)
navigation.run()

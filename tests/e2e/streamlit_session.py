"""A headless Streamlit session: what a browser tab says to the server over ``/_stcore/stream``, without
the browser. It sends ``BackMsg.rerun_script`` with a page and widget values, reads the ``ForwardMsg``
stream until the run's ``script_finished``, and keeps what a test needs of the page: the widgets by
key, the HTML and Markdown shown, exceptions, and the time the server took.

Used by the load test and benchmark to measure the server alone: 20 Chromium tabs on a 2-core machine
measure mostly Chromium (see docs/load.md), 20 of these cost the client almost nothing.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY
FRAGMENT_FINISHED = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN  # st.rerun / st.switch_page: the server starts the next run itself


class ProtocolError(AssertionError):
    pass


@dataclass
class RunResult:
    """What one script run showed."""

    seconds: float
    widgets: dict[str, tuple[str, str]] = field(default_factory=dict)  # user key -> (element id, element type)
    html: list[str] = field(default_factory=list)  # st.html bodies
    markdown: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)  # st.title / st.header / st.subheader texts
    exceptions: list[str] = field(default_factory=list)
    elements: dict[str, int] = field(default_factory=dict)  # element type -> count
    page: str = ""  # url path of the page that ran

    def text(self) -> str:
        return "\n".join(self.html + self.markdown)


class StreamlitSession:
    """One session (one browser tab) on a running server. Use as ``async with``."""

    def __init__(self, url: str, timeout: float = 120.0):
        self.ws_url = url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/") + "/_stcore/stream"
        self.timeout = timeout
        self.connection = None
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.values: dict[str, WidgetState] = {}  # element id -> last value sent
        self.last: RunResult | None = None

    async def __aenter__(self) -> "StreamlitSession":
        self.connection = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout,
            ping_interval=None,  # a busy server may not answer pings in time; a test's own timeout bounds every wait
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.connection.close()

    # --- running the script ------------------------------------------------------------------------

    async def open(self, page: str = "", query: str = "") -> RunResult:
        """Load a page by its url path ("" is the default page), as typing the address does."""
        message = BackMsg()
        message.rerun_script.query_string = query
        message.rerun_script.page_name = page
        return await self._run(message)

    async def goto(self, page: str) -> RunResult:
        """Switch page as the navigation link does (the page's script hash)."""
        if page not in self.pages:
            raise ProtocolError(f"no page {page!r}; pages: {sorted(self.pages)}")
        message = BackMsg()
        message.rerun_script.page_script_hash = self.pages[page]
        self.values.clear()  # the other page's widgets are gone
        return await self._run(message)

    async def set(self, key: str, **value) -> RunResult:
        """Give the widget with user key ``key`` a value (``string_value="China"``, ``int_value=2``...)
        and rerun, as changing it in the page does."""
        element_id = self.widget_id(key)
        state = WidgetState(id=element_id, **value)
        self.values[element_id] = state
        return await self.rerun()

    async def click(self, key: str) -> RunResult:
        element_id = self.widget_id(key)
        return await self.rerun(extra=[WidgetState(id=element_id, trigger_value=True)])

    async def rerun(self, extra: list[WidgetState] = ()) -> RunResult:
        message = BackMsg()
        message.rerun_script.page_script_hash = self.page_hash
        states = {**self.values, **{state.id: state for state in extra}}
        message.rerun_script.widget_states.widgets.extend(states.values())
        return await self._run(message)

    def widget_id(self, key: str) -> str:
        """The element id of the widget created with ``key=key`` (ids end in ``-KEY``); in a key that
        ends in ``*`` the star stands for a hex digest (keys that change with the filters)."""
        widgets = self.last.widgets if self.last else {}
        if key.endswith("*"):
            pattern = re.compile(re.escape(key[:-1]) + "[0-9a-f]+")
            for name, (element_id, _) in widgets.items():
                if pattern.fullmatch(name):
                    return element_id
        elif key in widgets:
            return widgets[key][0]
        raise ProtocolError(f"no widget {key!r} on the page; widgets: {sorted(widgets)}")

    async def _run(self, message: BackMsg) -> RunResult:
        start = time.perf_counter()
        await self.connection.send(message.SerializeToString())
        result = RunResult(seconds=0.0)
        deadline = start + self.timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise ProtocolError(f"no script_finished after {self.timeout:.0f} s")
            raw = await asyncio.wait_for(self.connection.recv(), timeout=left)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "navigation":
                self.pages = {page.url_pathname: page.page_script_hash for page in forward.navigation.app_pages}
                self.page_hash = forward.navigation.page_script_hash
                result.page = next((p for p, h in self.pages.items() if h == self.page_hash), "")
            elif kind == "new_session":
                self.page_hash = forward.new_session.page_script_hash or self.page_hash
            elif kind == "page_not_found":
                raise ProtocolError(f"page not found: {forward.page_not_found.page_name!r}")
            elif kind == "delta":
                self._collect(forward, result)
            elif kind == "script_finished":
                status = forward.script_finished
                if status == FINISHED:
                    break
                if status == RERUN:  # the next run follows by itself (a page switch, st.rerun)
                    result = RunResult(seconds=0.0)
                    continue
                if status == FRAGMENT_FINISHED:
                    continue
                raise ProtocolError(f"script finished with status {status}")
        result.seconds = time.perf_counter() - start
        self.last = result
        return result

    @staticmethod
    def _collect(forward: ForwardMsg, result: RunResult) -> None:
        delta = forward.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind is None:
            return
        result.elements[kind] = result.elements.get(kind, 0) + 1
        body = getattr(element, kind)
        if kind == "exception":
            result.exceptions.append(f"{body.type}: {body.message}")
        elif kind == "html":
            result.html.append(body.body)
        elif kind == "markdown":
            result.markdown.append(body.body)
        elif kind == "heading":
            result.headings.append(body.body)
        element_id = getattr(body, "id", "")
        if element_id.startswith("$$ID-"):
            # "$$ID-<hash>-<user key>" (the user key may itself contain "-")
            user_key = element_id.split("-", 2)[2] if element_id.count("-") >= 2 else ""
            if user_key and user_key != "None":
                result.widgets[user_key] = (element_id, kind)


async def until_complete(url: str, timeout: float) -> float:
    """Open the default page (the Overview) until nothing on it is in progress: every score and finding
    is in, so the tables every session then shares are final. Returns the seconds it took."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    async with StreamlitSession(url, timeout=timeout) as session:
        while "progress" in (await session.open()).elements:
            if loop.time() - start > timeout:
                raise TimeoutError(f"scores and checks not complete after {timeout:.0f} s")
            await asyncio.sleep(1.0)
    return loop.time() - start

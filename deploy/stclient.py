"""A Streamlit client without a browser: one session over `/_stcore/stream`, page views as BackMsgs.

Used to warm a server that just started or got a new catalog (`deploy.warm`) and by the load
benchmarks (`benchmarks.load`).

A headless browser costs about ten times the server's CPU per page view, so it cannot be the
load generator. This speaks the browser's side of Streamlit's protocol (verified on 1.67):
GET `/_stcore/health` sets the `_streamlit_xsrf` cookie (and nginx its route cookie; both go back
with the WebSocket, as a browser sends them); the WebSocket offers the subprotocols
`streamlit` and that cookie's value; a page view is a `BackMsg.rerun_script` whose `ClientState`
holds the query string and the page's URL path (`page_name`, '' for home); the server answers
with `new_session`, `navigation`, `page_info_changed`, deltas and `script_finished`, all with the
run's id in `metadata.run`. Like the browser, the session keeps the message cache: the server
sends a `ref_hash` in place of a large element the client says it holds (`cached_message_hashes`).
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from dataclasses import dataclass, field

import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

XSRF_COOKIE = "_streamlit_xsrf"
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
CACHE_LIMIT = 5000  # messages kept per session (the browser ages its cache out too)


@dataclass
class View:
    """One page view as the reader lives it: from the request to `script_finished`."""

    page: str  # URL path, '' for home
    query: str
    start: float = 0.0  # time.monotonic() when the BackMsg was sent
    first: float | None = None  # seconds to the first element (delta) of the run
    total: float | None = None  # seconds to `script_finished`
    nbytes: int = 0  # bytes of messages received for the view
    messages: int = 0
    errors: list[str] = field(default_factory=list)  # exceptions shown, compile errors, time-outs

    @property
    def ok(self) -> bool:
        return not self.errors and self.total is not None


class Session:
    """One reader's connection; `view()` runs a page and waits for its `script_finished`."""

    def __init__(self, base_url: str, *, timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.ws: ClientConnection | None = None
        self.cache: dict[str, ForwardMsg] = {}
        self.page_hashes: dict[str, str] = {}  # URL path -> page_script_hash, from `navigation`
        self.page_hash: str = ""

    async def __aenter__(self) -> Session:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def open(self) -> None:
        async with httpx.AsyncClient(timeout=self.timeout) as http:
            resp = await http.get(f"{self.base_url}/_stcore/health")
            resp.raise_for_status()
            xsrf = resp.cookies.get(XSRF_COOKIE)
            cookies = dict(resp.cookies.items())  # nginx's route cookie too: one server per session
        parts = urllib.parse.urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        url = f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream"
        headers = {"Origin": f"{parts.scheme}://{parts.netloc}"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        # Streamlit's messages often exceed websockets' 1 MiB default: no limit, as the browser.
        self.ws = await connect(url, subprotocols=["streamlit", xsrf or "placeholder"],  # type: ignore[list-item]
                                additional_headers=headers, max_size=None, open_timeout=self.timeout,
                                compression=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def view(self, page: str, query: str = "") -> View:
        """Ask for `page` (URL path) with `query` (no `?`); return when its run finished."""
        assert self.ws is not None, "open() first"
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query
        if page in self.page_hashes:  # moving within the app, as the browser does
            state.page_script_hash = self.page_hashes[page]
        else:
            state.page_name = page
        state.cached_message_hashes.extend(self.cache)
        view = View(page, query, start=time.monotonic())
        await self.ws.send(msg.SerializeToString())
        try:
            await asyncio.wait_for(self._read_run(view), self.timeout)
        except TimeoutError:
            view.errors.append(f"no script_finished within {self.timeout:.0f} s")
        except Exception as exc:  # a closed connection is this view's error, never the run's end
            view.errors.append(f"{type(exc).__name__}: {exc}")
        return view

    async def _read_run(self, view: View) -> None:
        assert self.ws is not None
        while True:
            raw = await self.ws.recv(decode=False)
            view.nbytes += len(raw)
            view.messages += 1
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            if fwd.WhichOneof("type") == "ref_hash":
                cached = self.cache.get(fwd.ref_hash)
                if cached is None:
                    view.errors.append(f"server referred to a message not in the cache: {fwd.ref_hash}")
                    continue
                fwd = cached
            elif fwd.metadata.cacheable and fwd.hash:
                if len(self.cache) >= CACHE_LIMIT:
                    self.cache.pop(next(iter(self.cache)))
                self.cache[fwd.hash] = fwd
            kind = fwd.WhichOneof("type")
            if kind == "delta":
                if view.first is None:
                    view.first = time.monotonic() - view.start
                element = fwd.delta.new_element
                is_element = fwd.delta.WhichOneof("type") == "new_element"
                if is_element and element.WhichOneof("type") == "exception":
                    ex = element.exception
                    view.errors.append(f"{ex.type}: {ex.message}".strip())
            elif kind == "navigation":
                for app_page in fwd.navigation.app_pages:
                    self.page_hashes[app_page.url_pathname] = app_page.page_script_hash
                self.page_hash = fwd.navigation.page_script_hash
            elif kind == "page_not_found":
                view.errors.append(f"page not found: {fwd.page_not_found.page_name!r}")
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    view.errors.append("the page failed to compile")
                if fwd.script_finished in DONE:
                    view.total = time.monotonic() - view.start
                    return

"""One Streamlit session without a browser: the app server's work of a visitor, with no page drawn.

``StreamSession`` speaks Streamlit's own protocol on ``/_stcore/stream`` as the browser's frontend does
(protobuf ``BackMsg`` up, ``ForwardMsg`` down, over a websocket): it opens a page by its URL path and
query string (the rerun a browser sends once connected: ``page_name`` from the path, no page hash yet),
keeps what the frontend keeps between runs (the page's script hash from ``navigation``, the query string
the script rewrote through ``page_info_changed``, the hashes of cacheable messages, which the server then
sends as references), and changes a filter the way the sidebar does: a rerun carrying the multiselect's
new widget state. Each run is timed in this process, from the request to the server's ``script_finished``.

Used by the load test (``load_test.run(..., browsers=K)``), which starts it as its own process
(``python -m dashboard.stream_client``: it lives on the Streamlit side, as it imports Streamlit's protobuf
classes, and its event loop shares no interpreter lock with the browsers' driver) for the sessions whose
drawing happens on other machines in reality: the server does all of their work, this client only reads what it must (the type of
each message, errors, the widgets it will change, the text it is asked to look for). Errors of a run: an
exception or an error box among the elements, a page the app does not know, a compile error, a run that
does not finish within the bound, a connection that closes. Nothing here imports or starts Streamlit's
runtime; the protobuf classes come from ``streamlit.proto``, which is plain generated code.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

# What a browser says about itself in every rerun (st.context); an English-speaking visitor in a light theme.
_CONTEXT = {"timezone": "UTC", "timezone_offset": 0, "locale": "en-US", "is_embedded": False, "color_scheme": "light"}


@dataclass
class Run:
    """One script run as this client saw it."""

    seconds: float = 0.0  # from sending the request to the server's script_finished
    deltas: int = 0  # elements, blocks and transients received, references to cached ones included
    errors: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)  # texts that contained ``look_for``


@dataclass
class _Seen:
    """What a cacheable message said, for when the server later sends only its hash."""

    error: str | None = None
    widget: tuple[str, str] | None = None  # (label, widget id) of a multiselect
    text: str = ""


class StreamSession:
    """A session on ``base`` (``http://host:port``) for the page at ``url_path``; ``async with`` connects."""

    def __init__(self, base: str, url_path: str, query_string: str = "") -> None:
        parts = urlsplit(base)
        self.base = base.rstrip("/")
        self.stream_url = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}/_stcore/stream"
        self.url_path = url_path.strip("/")
        self.query_string = query_string.lstrip("?")
        self.page_script_hash = ""  # unknown until the server has answered the first rerun
        self.multiselects: dict[str, str] = {}  # label -> widget id, from the last run
        self._cached: dict[str, _Seen] = {}  # hash -> summary of every cacheable message received
        self._socket = None

    async def __aenter__(self) -> StreamSession:
        # As a browser: the "streamlit" subprotocol, an Origin of the page, compression offered; no proxy on
        # loopback, no pings of our own (the server pings, a browser only answers), no 1 MiB message cap.
        self._socket = await connect(self.stream_url, subprotocols=["streamlit"], origin=self.base, proxy=None,
                                     ping_interval=None, max_size=None, open_timeout=60)  # fmt: skip
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._socket is not None:
            await self._socket.close()

    async def open_page(self, look_for: str | None = None, timeout_s: float = 600) -> Run:
        """The first run of the page, as a browser asks for it right after connecting."""
        state = self._client_state()
        state.page_name = self.url_path  # the frontend's page name from the path, before it knows any hash
        return await self._run(state, look_for, timeout_s)

    async def choose(self, label: str, options: list[str], look_for: str | None = None,
                     timeout_s: float = 600) -> Run:  # fmt: skip
        """Set the multiselect labelled ``label`` (drawn by the last run) to ``options`` (as displayed) and rerun."""
        run = Run()
        if label not in self.multiselects:
            run.errors.append(f"no multiselect labelled {label!r} on /{self.url_path}")
            return run
        state = self._client_state()
        state.page_script_hash = self.page_script_hash
        widget = state.widget_states.widgets.add()
        widget.id = self.multiselects[label]
        widget.string_array_value.data.extend(options)
        return await self._run(state, look_for, timeout_s)

    def _client_state(self) -> ClientState:
        state = ClientState(query_string=self.query_string, context_info=ContextInfo(**_CONTEXT))
        state.context_info.url = f"{self.base}/{self.url_path}" + (f"?{self.query_string}" if self.query_string else "")
        state.cached_message_hashes.extend(self._cached)
        return state

    async def _run(self, state: ClientState, look_for: str | None, timeout_s: float) -> Run:
        run = Run()
        started = time.perf_counter()
        try:
            async with asyncio.timeout(timeout_s):
                await self._socket.send(BackMsg(rerun_script=state).SerializeToString())
                self.multiselects = {}
                while not self._take(ForwardMsg.FromString(await self._socket.recv()), run, look_for):
                    pass
        except TimeoutError:
            run.errors.append(f"/{self.url_path}: the run did not finish within {timeout_s:.0f} s")
        except Exception as exc:  # the connection closed, a message that is no ForwardMsg: this session failed
            run.errors.append(f"/{self.url_path}: {exc.__class__.__name__}: {_first_line(str(exc))}")
        run.seconds = time.perf_counter() - started
        return run

    def _take(self, msg: ForwardMsg, run: Run, look_for: str | None) -> bool:
        """Note one message of the run; True once the run has ended."""
        kind = msg.WhichOneof("type")
        if kind == "delta" or kind == "ref_hash":
            run.deltas += 1
            seen = self._cached.get(msg.ref_hash) if kind == "ref_hash" else self._summary(msg.delta)
            if seen is None:  # a reference to a message we never got: the server thinks we have it
                run.errors.append(f"/{self.url_path}: reference to an unknown message {msg.ref_hash}")
                return False
            if kind == "delta" and msg.metadata.cacheable:
                self._cached[msg.hash] = seen
            if seen.error:
                run.errors.append(f"/{self.url_path}: {seen.error}")
            if seen.widget:
                self.multiselects[seen.widget[0]] = seen.widget[1]
            if look_for and look_for in seen.text:
                run.found.append(seen.text)
        elif kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
        elif kind == "navigation":  # with st.navigation, the page actually run
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":  # the script rewrote the URL (st.query_params): the next rerun carries it
            self.query_string = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            run.errors.append(f"/{self.url_path}: page not found ({msg.page_not_found.page_name or self.url_path!r})")
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            run.errors.append(f"/{self.url_path}: script compilation error")
        elif kind == "script_finished":
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                run.errors.append(f"/{self.url_path}: the script did not compile")
                return True
            # A run ended early for a rerun (st.rerun, st.switch_page) is followed by the new run; a fragment's
            # own run is not the page's.
            return status == ForwardMsg.FINISHED_SUCCESSFULLY
        return False

    @staticmethod
    def _summary(delta) -> _Seen:  # noqa: ANN001 - a Delta message
        """Only what the load test needs of an element: is it an error, a multiselect, which text it shows."""
        if delta.WhichOneof("type") != "new_element":
            return _Seen()
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            return _Seen(error=f"exception {element.exception.type}: {_first_line(element.exception.message)}")
        if kind == "alert":
            body = element.alert.body
            return _Seen(error=f"error shown: {_first_line(body)}" if element.alert.format == Alert.ERROR else None,
                         text=body)  # fmt: skip
        if kind == "multiselect":
            return _Seen(widget=(element.multiselect.label, element.multiselect.id))
        if kind in ("markdown", "heading", "text"):
            return _Seen(text=getattr(element, kind).body)
        return _Seen()


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


async def visit(base: str, url_path: str, query_string: str = "", *, choose: tuple[str, list[str]] | None = None,
                look_for: str | None = None, timeout_s: float = 600) -> tuple[Run, Run | None]:  # fmt: skip
    """One visitor: open the page, then (``choose``: a multiselect's label and the options to pick) change it;
    ``look_for`` is searched in the filter change's texts; ``timeout_s`` bounds both together. Returns the
    page's run and the change's (or None)."""
    try:
        async with StreamSession(base, url_path, query_string) as session:
            page = await session.open_page(timeout_s=timeout_s)
            if choose is None or page.errors:
                return page, None
            return page, await session.choose(*choose, look_for=look_for, timeout_s=max(timeout_s - page.seconds, 1))
    except Exception as exc:  # no connection at all
        return Run(errors=[f"/{url_path}: {exc.__class__.__name__}: {exc}"]), None


async def _together(base: str, url_path: str, sessions: int, choose: tuple[str, list[str]] | None,
                    look_for: str | None, timeout_s: float) -> list[tuple[Run, Run | None]]:  # fmt: skip
    return await asyncio.gather(*(visit(base, url_path, choose=choose, look_for=look_for, timeout_s=timeout_s)
                                  for _ in range(sessions)))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """``sessions`` visitors at once; prints one JSON list of ``{"page": Run, "change": Run | null}``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the app's address, e.g. http://127.0.0.1:8501")
    parser.add_argument("--page", required=True, help="the page's url path, e.g. overview")
    parser.add_argument("--sessions", type=int, default=1)
    parser.add_argument("--choose-label", default=None, help="the multiselect to change after the page is drawn")
    parser.add_argument("--choose", action="append", default=[], help="an option to pick in it (repeatable)")
    parser.add_argument("--look-for", default=None, help="a text to find among the changed page's elements")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for a visitor's page and change together")
    args = parser.parse_args(argv)
    choose = (args.choose_label, args.choose) if args.choose_label else None
    visits = asyncio.run(_together(args.base, args.page, args.sessions, choose, args.look_for, args.timeout))
    json.dump([{"page": asdict(page), "change": asdict(change) if change else None} for page, change in visits],
              sys.stdout)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

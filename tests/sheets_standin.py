"""A loopback stand-in for Google's OAuth token endpoint and the Sheets API v4.

It answers the way the recordings in ``../shared/fixtures/google-sheets/``
show Google answering: formatted values as strings, trailing empty cells and
rows left out, no ``values`` key for an empty tab, ranges quoted in A1
notation, errors as ``{"error": {"code", "message", "status"}}`` and a 400 for
a whole ``values:batchGet`` when one of its ranges names a missing tab.

The token endpoint checks what Google checks: the JWT assertion's RS256
signature against the service account's public key, its issuer and
audience; the scope granted is recorded. Every request is logged so tests can count them; ``faults``
scripts the next answers (a status code, or ``HANG`` for a server that
accepts the request and never answers).

``spreadsheets:batchUpdate`` is served as :mod:`tests.sheets_batchupdate`
describes (checked strictly, applied whole), only to a token granted the
read-write scope and only when the sheet is shared as 編集者 (``viewer_only``
says it is shared as 閲覧者); ``write_faults`` scripts its answers.
"""

from __future__ import annotations

import base64
import http.server
import json
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.helpers import ROOT
from tests.sheets_batchupdate import BadRequest, apply_batch, shown

HANG = "hang"
READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
WRITE_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# google-auth signs every service-account assertion for Google's token audience,
# whatever the key file's token_uri; Google checks that audience.
TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"

# Error bodies in the shape of the recordings (ClientTest.test_access_*.json).
ERRORS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
MESSAGES = {
    401: "Request is missing required authentication credential.",
    403: "The caller does not have permission",
    # What Google answers a write made with a read-only token.
    "scope": "Request had insufficient authentication scopes.",
    404: "Requested entity was not found.",
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user'.",
    503: "The service is currently unavailable.",
}


def error_body(status: int, message: str | None = None) -> dict[str, Any]:
    return {
        "error": {
            "code": status,
            "message": message or MESSAGES.get(status, "Internal error encountered."),
            "status": ERRORS.get(status, "UNKNOWN"),
        }
    }


def a1_column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1_sheet(name: str) -> str:
    """A tab name as Sheets writes it in a returned range: quoted unless plain."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return name
    return "'" + name.replace("'", "''") + "'"


def parse_whole_tab(a1: str) -> str | None:
    """The tab named by a whole-tab range (``'講座'`` or ``Sheet1``); None if not one."""
    match = re.fullmatch(r"'((?:[^']|'')+)'", a1)
    if match:
        return match.group(1).replace("''", "'")
    if "!" in a1 or "'" in a1 or ":" in a1:
        return None
    return a1


@dataclass
class Logged:
    method: str
    path: str
    query: dict[str, list[str]]
    authorization: str | None
    body: object = None  # a batchUpdate's JSON body


@dataclass
class Spreadsheet:
    """What the stand-in serves: tabs of displayed text, merges, a locale."""

    key: str
    tabs: dict[str, list[list[str]]]
    title: str = "DXまなびナビ 研修データ"
    locale: str = "ja_JP"
    time_zone: str = "Asia/Tokyo"
    hidden: set[str] = field(default_factory=set)
    merges: dict[str, list[dict[str, int]]] = field(default_factory=dict)
    # Set by batchUpdate (tests.sheets_batchupdate): tabs it added keep their ID and grid;
    # tabs it wrote into keep their cells as given (value, format, note).
    sheet_ids: dict[str, int] = field(default_factory=dict)
    grids: dict[str, dict[str, int]] = field(default_factory=dict)
    cells: dict[str, dict[tuple[int, int], dict[str, Any]]] = field(default_factory=dict)
    validations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    widths: dict[str, dict[int, int]] = field(default_factory=dict)

    def sheet_id(self, name: str) -> int:
        return self.sheet_ids.get(name, 1000 + list(self.tabs).index(name))

    def grid_properties(self, name: str) -> dict[str, int]:
        if name in self.grids:
            return self.grids[name]
        grid = self.tabs[name]
        return {
            "rowCount": max(1000, len(grid)),
            "columnCount": max(26, *(len(row) for row in grid), 1),
        }

    def cells_of(self, name: str) -> dict[tuple[int, int], dict[str, Any]]:
        """A tab's cells as the API was given them (typed text, for a tab it never wrote)."""
        if name not in self.cells:
            self.cells[name] = {
                (r, c): {"userEnteredValue": {"stringValue": text}}
                for r, row in enumerate(self.tabs[name])
                for c, text in enumerate(row)
                if text != ""
            }
        return self.cells[name]

    def render(self) -> None:
        """The displayed text of every tab that batchUpdate wrote into."""
        for name, cells in self.cells.items():
            shown_cells = {where: shown(cell) for where, cell in cells.items()}
            filled = [where for where, text in shown_cells.items() if text != ""]
            rows = max((r for r, _ in filled), default=-1) + 1
            cols = max((c for _, c in filled), default=-1) + 1
            self.tabs[name] = [
                [shown_cells.get((r, c), "") for c in range(cols)] for r in range(rows)
            ]

    def metadata(self) -> dict[str, Any]:
        sheets = []
        for index, name in enumerate(self.tabs):
            properties: dict[str, Any] = {
                "sheetId": self.sheet_id(name),
                "title": name,
                "index": index,
                "sheetType": "GRID",
                "gridProperties": dict(self.grid_properties(name)),
            }
            if name in self.hidden:
                properties["hidden"] = True
            sheet: dict[str, Any] = {"properties": properties}
            if self.merges.get(name):
                sheet["merges"] = [
                    {"sheetId": self.sheet_id(name), **merge} for merge in self.merges[name]
                ]
            sheets.append(sheet)
        return {
            "spreadsheetId": self.key,
            "properties": {"title": self.title, "locale": self.locale, "timeZone": self.time_zone},
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.key}/edit",
        }

    def value_range(self, name: str) -> dict[str, Any]:
        grid = self.tabs[name]
        meta = next(s for s in self.metadata()["sheets"] if s["properties"]["title"] == name)[
            "properties"
        ]["gridProperties"]
        result: dict[str, Any] = {
            "range": f"{a1_sheet(name)}!A1:{a1_column(meta['columnCount'] - 1)}{meta['rowCount']}",
            "majorDimension": "ROWS",
        }
        rows = [list(row) for row in grid]
        for row in rows:  # trailing empty cells are left out...
            while row and row[-1] == "":
                row.pop()
        while rows and not rows[-1]:  # ...and trailing empty rows; an empty tab has no values
            rows.pop()
        if rows:
            result["values"] = rows
        return result


class SheetsStandIn:
    """Token endpoint + Sheets API v4 on 127.0.0.1 (an ephemeral port)."""

    def __init__(self, spreadsheet: Spreadsheet, *, client_email: str) -> None:
        self.spreadsheet = spreadsheet
        self.client_email = client_email
        self.public_key: rsa.RSAPublicKey | None = None
        self.log: list[Logged] = []
        self.bytes_sent = 0  # response bodies, all requests
        self.faults: list[int | str] = []  # next API answers, one per request
        self.always: int | str | None = None  # every API answer (after the scripted ones)
        self.token_faults: list[int | str] = []
        self.write_faults: list[int | str] = []  # next batchUpdate answers
        self.forbidden = False  # not shared with the service account at all
        self.viewer_only = False  # shared as 閲覧者: reads work, writes are refused
        self.granted_scopes: list[str] = []
        self.tokens: list[str] = []
        self.token_scopes: dict[str, str] = {}
        self._release = threading.Event()
        handler = type("Handler", (_Handler,), {"standin": self})
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.token_uri = f"{self.base_url}/token"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> SheetsStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()  # let hung handlers go
        self.server.shutdown()
        self.server.server_close()

    @property
    def api_requests(self) -> list[Logged]:
        return [r for r in self.log if r.path.startswith("/v4/")]

    @property
    def token_requests(self) -> list[Logged]:
        return [r for r in self.log if r.path == "/token"]

    @property
    def batch_updates(self) -> list[Logged]:
        return [r for r in self.log if r.path.endswith(":batchUpdate")]

    def next_fault(self, token: bool) -> int | str | None:
        script = self.token_faults if token else self.faults
        if script:
            return script.pop(0)
        return None if token else self.always

    def hang(self) -> None:
        self._release.wait()


class _Handler(http.server.BaseHTTPRequestHandler):
    standin: SheetsStandIn

    def log_message(self, format: str, *args: object) -> None:
        pass

    # --- plumbing -------------------------------------------------------------

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
        self.standin.bytes_sent += len(data)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _fault(self, fault: int | str | None) -> bool:
        if fault is None:
            return False
        if fault == HANG:
            self.standin.hang()
            self.close_connection = True
            return True
        self._send(int(fault), error_body(int(fault)))
        return True

    # --- token endpoint ---------------------------------------------------------

    def do_POST(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8")
        if split.path.startswith("/v4/"):
            self._batch_update(unquote(split.path), raw)
            return
        form = parse_qs(raw)
        self.standin.log.append(Logged("POST", split.path, form, None))
        if split.path != "/token":
            self._send(404, error_body(404))
            return
        if self._fault(self.standin.next_fault(token=True)):
            return
        claims = self._verified_claims(form)
        if claims is None:
            self._send(
                400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            )
            return
        self.standin.granted_scopes.append(claims.get("scope", ""))
        token = "ya29.standin-" + secrets.token_urlsafe(32)
        self.standin.tokens.append(token)
        self.standin.token_scopes[token] = claims.get("scope", "")
        self._send(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _verified_claims(self, form: dict[str, list[str]]) -> dict[str, Any] | None:
        if form.get("grant_type") != [JWT_GRANT] or len(form.get("assertion", [])) != 1:
            return None
        try:
            header_b64, payload_b64, signature_b64 = form["assertion"][0].split(".")
            header = json.loads(_unb64(header_b64))
            claims = json.loads(_unb64(payload_b64))
            assert self.standin.public_key is not None
            self.standin.public_key.verify(
                _unb64(signature_b64),
                f"{header_b64}.{payload_b64}".encode("ascii"),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except Exception:
            return None
        if (
            header.get("alg") != "RS256"
            or claims.get("iss") != self.standin.client_email
            or claims.get("aud") != TOKEN_AUDIENCE
        ):
            return None
        return claims

    # --- Sheets API v4 --------------------------------------------------------------

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        query = parse_qs(split.query, keep_blank_values=True)
        auth = self.headers.get("Authorization")
        self.standin.log.append(Logged("GET", unquote(split.path), query, auth))
        if self._fault(self.standin.next_fault(token=False)):
            return
        if auth is None or auth.removeprefix("Bearer ") not in self.standin.tokens:
            self._send(401, error_body(401))
            return
        match = re.fullmatch(r"/v4/spreadsheets/([^/:]+)(/values:batchGet)?", split.path)
        sheet = self.standin.spreadsheet
        if match is None or match.group(1) != sheet.key:
            self._send(404, error_body(404))
            return
        if self.standin.forbidden:
            self._send(403, error_body(403))
            return
        if match.group(2) is None:
            if query.get("includeGridData", ["false"]) != ["false"]:
                self._send(400, error_body(400, "includeGridData is not served here"))
                return
            self._send(200, sheet.metadata())
            return
        if query.get("valueRenderOption", ["FORMATTED_VALUE"]) != ["FORMATTED_VALUE"]:
            self._send(400, error_body(400, "only FORMATTED_VALUE is served here"))
            return
        ranges = query.get("ranges", [])
        value_ranges = []
        for a1 in ranges:
            name = parse_whole_tab(a1)
            if name is None or name not in sheet.tabs:
                # As Google does: one bad range fails the whole request.
                self._send(400, error_body(400, f"Unable to parse range: {a1}"))
                return
            value_ranges.append(sheet.value_range(name))
        self._send(200, {"spreadsheetId": sheet.key, "valueRanges": value_ranges})

    def _batch_update(self, path: str, raw: str) -> None:
        auth = self.headers.get("Authorization")
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            body = raw
        self.standin.log.append(Logged("POST", path, {}, auth, body))
        script = self.standin.write_faults
        if self._fault(script.pop(0) if script else self.standin.always):
            return
        token = (auth or "").removeprefix("Bearer ")
        if token not in self.standin.tokens:
            self._send(401, error_body(401))
            return
        sheet = self.standin.spreadsheet
        match = re.fullmatch(r"/v4/spreadsheets/([^/:]+):batchUpdate", path)
        if match is None or match.group(1) != sheet.key:
            self._send(404, error_body(404))
            return
        if self.standin.forbidden:
            self._send(403, error_body(403))
            return
        if WRITE_SCOPE not in self.standin.token_scopes[token].split():
            self._send(403, error_body(403, MESSAGES["scope"]))
            return
        if self.standin.viewer_only:
            self._send(403, error_body(403))
            return
        try:
            replies = apply_batch(sheet, body)
        except BadRequest as exc:
            self._send(400, error_body(400, str(exc)))
            return
        self._send(200, {"spreadsheetId": sheet.key, "replies": replies})


@contextmanager
def serving(
    spreadsheet: Spreadsheet,
    private_key: rsa.RSAPrivateKey,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    client_email: str,
) -> Iterator[SheetsStandIn]:
    """The stand-in serving ``spreadsheet``, a fresh key file in ``folder``, the environment
    pointing at both (quick retries, the repository as working directory)."""
    server = SheetsStandIn(spreadsheet, client_email=client_email)
    server.public_key = private_key.public_key()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    key_file = folder / "service-account.json"
    key_file.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "manabi-test",
                "private_key_id": "0123456789abcdef",
                "private_key": pem,
                "client_email": client_email,
                "client_id": "100000000000000000001",
                "token_uri": server.token_uri,
            }
        ),
        encoding="utf-8",
    )
    server.key_material = [line for line in pem.splitlines() if len(line) == 64][5:8]  # type: ignore[attr-defined]
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    monkeypatch.setenv("MANABI_SHEETS_ENDPOINT", server.base_url)
    monkeypatch.setenv("MANABI_SHEETS_BACKOFF", "0.01")
    monkeypatch.setenv("MANABI_SHEETS_TIMEOUT", "5")
    monkeypatch.setenv("MANABI_SHEETS_DEADLINE", "60")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.chdir(ROOT)
    with server:
        yield server


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

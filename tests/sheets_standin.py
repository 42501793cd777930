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
"""

from __future__ import annotations

import base64
import http.server
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

HANG = "hang"
READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
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

    def metadata(self) -> dict[str, Any]:
        sheets = []
        for index, (name, grid) in enumerate(self.tabs.items()):
            properties: dict[str, Any] = {
                "sheetId": 1000 + index,
                "title": name,
                "index": index,
                "sheetType": "GRID",
                "gridProperties": {
                    "rowCount": max(1000, len(grid)),
                    "columnCount": max(26, *(len(row) for row in grid), 1),
                },
            }
            if name in self.hidden:
                properties["hidden"] = True
            sheet: dict[str, Any] = {"properties": properties}
            if self.merges.get(name):
                sheet["merges"] = [
                    {"sheetId": 1000 + index, **merge} for merge in self.merges[name]
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
        self.faults: list[int | str] = []  # next API answers, one per request
        self.always: int | str | None = None  # every API answer (after the scripted ones)
        self.token_faults: list[int | str] = []
        self.forbidden = False
        self.granted_scopes: list[str] = []
        self.tokens: list[str] = []
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
        form = parse_qs(self.rfile.read(length).decode("utf-8"))
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


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

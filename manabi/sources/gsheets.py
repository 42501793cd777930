"""Google Sheets: the whole workbook in two API requests, with bounded retries.

This module is also the one way to talk to Sheets at all: :func:`connect`
gives a client and turns every failure into a Japanese :class:`SourceError`;
reading asks it for the read-only scope, ``manabi layout-sheet``
(:mod:`manabi.layout_sheet`) for the read-write one.

One read is the spreadsheet's metadata (which tabs exist, their merged cells)
and one ``values:batchGet`` for every schema tab that exists, whatever their
number. Values are read as the sheet shows them (``FORMATTED_VALUE``), so a
date is the text the secretariat sees and ``03125`` stays ``03125`` only when
the cell is formatted as text.

Every HTTP exchange — the token from the key file's ``token_uri`` and each
Sheets API call — passes through :class:`_BudgetAdapter`, which gives it a
timeout cut to what is left of the read's deadline. gspread's own client has
no timeout and its back-off client retries forever; :meth:`Budget.run` is the
one retry loop (408/429/5xx and connection errors; exponential back-off with
jitter; a few tries; one deadline for the whole read).

Only a GET is retried freely. A write (``spreadsheets:batchUpdate``) is not
idempotent, so it is repeated only when it certainly did not reach the server
or was turned away before being processed (429, 503); once it was sent and no
answer came, :class:`Unanswered` says so instead of sending it twice.

Nothing here prints or logs; failures become :class:`SourceError` in Japanese,
never carrying the key file's contents or the access token.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import google.auth.exceptions
import google.auth.transport.requests
import requests
import urllib3.exceptions
from google.oauth2 import service_account
from gspread.auth import get_config_dir
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from requests.adapters import HTTPAdapter

from manabi.errors import SourceError
from manabi.schema import TABS
from manabi.sources import Table, Workbook

READ_SCOPES = ("https://www.googleapis.com/auth/spreadsheets.readonly",)  # no Drive scope
# Only ``manabi layout-sheet --yes`` asks for this one; nothing that reads does.
WRITE_SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
GOOGLE_ENDPOINT = "https://sheets.googleapis.com"
SHEETS_SITE = "https://docs.google.com/spreadsheets/"
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})
# Answers that say a request was turned away before it was processed: the only
# statuses on which a write is sent again.
NOT_PROCESSED = frozenset({429, 503})
MIN_EXCHANGE_SECONDS = 0.2  # less time than this left: do not start another exchange
GUIDE = "docs/maintainers/google-sheets.md"

T = TypeVar("T")
POLICY_ENV = {
    "MANABI_SHEETS_TRIES": "tries",
    "MANABI_SHEETS_DEADLINE": "deadline",
    "MANABI_SHEETS_TIMEOUT": "timeout",
    "MANABI_SHEETS_BACKOFF": "backoff",
}


# --- how hard to try --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Tries per request, one deadline per read, a timeout per HTTP exchange."""

    tries: int = 5
    deadline: float = 120.0  # seconds for the whole read, retries and waits included
    timeout: float = 30.0  # seconds to wait for an answer to one exchange
    connect_timeout: float = 10.0
    backoff: float = 1.0  # first wait; doubled after each failed try
    backoff_cap: float = 30.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> RetryPolicy:
        """The defaults, overridden by ``MANABI_SHEETS_TRIES/DEADLINE/TIMEOUT/BACKOFF``."""
        values: dict[str, Any] = {}
        for variable, name in POLICY_ENV.items():
            raw = environ.get(variable, "").strip()
            if not raw:
                continue
            try:
                value = int(raw) if name == "tries" else float(raw)
            except ValueError:
                value = -1
            if value <= 0 or (name == "tries" and value > 10):
                limit = "1〜10 の整数" if name == "tries" else "0 より大きい秒数"
                raise SourceError(
                    f"環境変数 {variable} の値「{raw}」は使えません。{limit}を半角数字で指定してください。"
                )
            values[name] = value
        return cls(**values)

    def wait(self, failed_tries: int, rng: random.Random, retry_after: float | None) -> float:
        """Seconds to wait after ``failed_tries`` failures: doubling, with jitter.

        The jitter (half to all of the step) keeps several CI jobs that failed
        together from retrying together; a server's ``Retry-After`` is honoured
        up to the cap.
        """
        step = min(self.backoff_cap, self.backoff * 2 ** (failed_tries - 1))
        wait = rng.uniform(step / 2, step)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.backoff_cap))
        return wait


class Transient(Exception):
    """A try that may succeed if repeated; ``reason`` is Japanese."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class OutOfTime(Transient):
    """The deadline leaves no time for another exchange."""

    def __init__(self) -> None:
        super().__init__("時間切れになりました")


class Unanswered(Exception):
    """A write was sent and no answer came: it may or may not have been applied."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Exhausted(Exception):
    """Every try failed, or the deadline came first."""

    def __init__(self, last: Transient, tries: int, elapsed: float, deadline_hit: bool) -> None:
        super().__init__(last.reason)
        self.last = last
        self.tries = tries
        self.elapsed = elapsed
        self.deadline_hit = deadline_hit


class Budget:
    """One read's allowance, shared by its requests: a deadline and tries per request.

    ``clock`` and ``sleep`` are injectable so the schedule can be computed
    without waiting for it.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._start = clock()

    def elapsed(self) -> float:
        return self._clock() - self._start

    def remaining(self) -> float:
        return self.policy.deadline - self.elapsed()

    def exchange_timeout(self) -> tuple[float, float]:
        """(connect, read) timeouts for the next exchange; together within the deadline."""
        left = self.remaining()
        if left < MIN_EXCHANGE_SECONDS:
            raise OutOfTime()
        connect = min(self.policy.connect_timeout, left / 2)
        read = min(self.policy.timeout, left - connect)
        return connect, read

    def run(self, attempt: Callable[[], T]) -> T:
        """Call ``attempt`` until it returns, raises a non-transient error, or the budget ends."""
        tries = 0
        while True:
            tries += 1
            try:
                return attempt()
            except Transient as exc:
                last = exc
            if tries >= self.policy.tries:
                raise Exhausted(last, tries, self.elapsed(), deadline_hit=False)
            wait = self.policy.wait(tries, self._rng, last.retry_after)
            if isinstance(last, OutOfTime) or wait + MIN_EXCHANGE_SECONDS >= self.remaining():
                raise Exhausted(last, tries, self.elapsed(), deadline_hit=True)
            self._sleep(wait)


# --- the one place HTTP happens ------------------------------------------------


class _BudgetAdapter(HTTPAdapter):
    """Sends every exchange with a timeout cut to the read's remaining deadline."""

    def __init__(self, budget: Budget) -> None:
        super().__init__(max_retries=0)  # retries are Budget.run's, and only there
        self.budget = budget

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # type: ignore[no-untyped-def,override]
        return super().send(
            request,
            stream=stream,
            timeout=self.budget.exchange_timeout(),
            verify=verify,
            cert=cert,
            proxies=proxies,
        )


def _session(budget: Budget, session: requests.Session) -> requests.Session:
    adapter = _BudgetAdapter(budget)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After")  # requests' headers ignore case
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date: the back-off applies


def _status_reason(status: int) -> str:
    if status == 429:
        return "Google の利用回数の上限に達しています（429）"
    if status == 408:
        return "要求が時間切れになりました（408）"
    return f"Google のサーバーが一時的に応答できません（{status}）"


def _network_reason(exc: Exception, url: str) -> str:
    """Why an exchange got no answer, naming the server (google-auth wraps the token's errors)."""
    token = isinstance(exc, google.auth.exceptions.TransportError)
    cause = exc.__cause__ if token else exc
    where = "認証サーバー（鍵ファイルの token_uri）" if token else f"{urlsplit(url).netloc} "
    if isinstance(cause, requests.Timeout) and not isinstance(cause, requests.ConnectTimeout):
        return f"{where}から応答がありません（時間切れ）"
    return f"{where}に接続できません（ネットワークやプロキシの設定を確かめてください）"


def _never_sent(exc: Exception) -> bool:
    """True when a request certainly did not reach the API: no token, or no connection made."""
    if isinstance(exc, google.auth.exceptions.TransportError | requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)  # refused, no route


class _TokenRequest(google.auth.transport.requests.Request):
    """google-auth's transport for the token endpoint, its retryable answers handed to Budget.run.

    google-auth would otherwise retry a 5xx from the token endpoint itself,
    inside one of our tries, with its own sleeps.
    """

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):  # type: ignore[no-untyped-def,override]
        response = super().__call__(url, method, body, headers, timeout, **kwargs)
        if response.status in RETRYABLE:
            raise Transient(
                f"認証サーバーが一時的に応答できません（{response.status}）",
                _retry_after(response.headers),
            )
        return response


class SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client with a timeout on every exchange and one bounded retry loop.

    ``MANABI_SHEETS_ENDPOINT`` replaces the API's base URL; the token comes
    from the key file's ``token_uri`` as google-auth does it.
    """

    def __init__(
        self, credentials: service_account.Credentials, budget: Budget, endpoint: str
    ) -> None:
        token_request = _TokenRequest(_session(budget, requests.Session()))
        session = _session(
            budget,
            google.auth.transport.requests.AuthorizedSession(
                credentials, auth_request=token_request
            ),
        )
        super().__init__(credentials, session=session)
        self.auth = credentials
        self.budget = budget
        self.endpoint = endpoint.rstrip("/")

    def request(  # type: ignore[override]
        self,
        method: str,
        endpoint: str,
        params: Any = None,
        data: Any = None,
        json: Any = None,
        files: Any = None,
        headers: Any = None,
    ) -> requests.Response:
        url = endpoint
        if url.startswith(GOOGLE_ENDPOINT):
            url = self.endpoint + url[len(GOOGLE_ENDPOINT) :]
        # A write (batchUpdate) is not idempotent: sending it again after it may
        # have been applied could apply it twice, so it is retried only when it
        # never left (no token, no connection) or was refused unprocessed.
        idempotent = method.upper() == "GET"

        def attempt() -> requests.Response:
            try:
                response = self.session.request(
                    method, url, params=params, data=data, json=json, files=files, headers=headers
                )
            except (
                requests.ConnectionError,
                requests.Timeout,
                google.auth.exceptions.TransportError,
            ) as exc:
                if idempotent or _never_sent(exc):
                    raise Transient(_network_reason(exc, url)) from None
                raise Unanswered(_network_reason(exc, url)) from None
            status = response.status_code
            if status in RETRYABLE and (idempotent or status in NOT_PROCESSED):
                raise Transient(_status_reason(status), _retry_after(response.headers))
            return response

        response = self.budget.run(attempt)
        if not response.ok:
            raise APIError(response)
        return response


# --- reading a workbook --------------------------------------------------------


def is_gsheet(spec: str) -> bool:
    return spec.startswith("gsheet:") or spec.startswith(SHEETS_SITE)


def spreadsheet_key(spec: str) -> str:
    """The key of ``gsheet:<key>`` or of a sheet URL.

    >>> spreadsheet_key("https://docs.google.com/spreadsheets/d/1AbC-_9xYz0123/edit#gid=0")
    '1AbC-_9xYz0123'
    """
    if spec.startswith("gsheet:"):
        key = spec.removeprefix("gsheet:").strip()
    else:
        match = re.search(r"/d/([A-Za-z0-9_-]+)", spec)
        key = match.group(1) if match else ""
    if not re.fullmatch(r"[A-Za-z0-9_-]{10,}", key):
        raise SourceError(
            f"「{spec}」からスプレッドシートのキーを読み取れません。URL を確かめてください"
            "（https://docs.google.com/spreadsheets/d/<キー>/edit の形か、gsheet:<キー> で指定します）。"
        )
    return key


def quote_tab(name: str) -> str:
    """A whole-tab range in A1 notation, the name quoted as Sheets requires.

    >>> quote_tab("講座"), quote_tab("O'Brien 1")
    ("'講座'", "'O''Brien 1'")
    """
    return "'" + name.replace("'", "''") + "'"


def range_start(a1_range: str) -> tuple[int, int]:
    """(row, 0-based column) where a returned range starts: ``'講座'!B3:D9`` → (3, 1)."""
    cells = a1_range.rpartition("!")[2] if "!" in a1_range else ""
    match = re.match(r"([A-Za-z]*)([0-9]*)", cells)
    letters, digits = match.groups() if match else ("", "")
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - ord("A") + 1
    return (int(digits) if digits else 1), max(col - 1, 0)


def _endpoint(environ: Mapping[str, str] = os.environ) -> str:
    endpoint = environ.get("MANABI_SHEETS_ENDPOINT", "").strip() or GOOGLE_ENDPOINT
    parts = urlsplit(endpoint)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise SourceError(
            f"環境変数 MANABI_SHEETS_ENDPOINT の値「{endpoint}」は URL ではありません。"
            f"https:// で始まる URL を指定するか、空にしてください（既定: {GOOGLE_ENDPOINT}）。"
        )
    return endpoint


def key_file(environ: Mapping[str, str] = os.environ) -> Path:
    """The service account key: ``GOOGLE_APPLICATION_CREDENTIALS``, else gspread's place."""
    named = environ.get("GOOGLE_APPLICATION_CREDENTIALS", "").strip()
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise SourceError(
                f"環境変数 GOOGLE_APPLICATION_CREDENTIALS が指す鍵ファイル「{path}」がありません。"
                f"サービスアカウントの鍵ファイル（JSON）の場所を指定してください（手順: {GUIDE}）。"
            )
        return path
    default = get_config_dir() / "service_account.json"
    if not default.is_file():
        raise SourceError(
            "Google スプレッドシートを読むための鍵ファイルがありません。"
            "サービスアカウントの鍵ファイル（JSON）の場所を環境変数 GOOGLE_APPLICATION_CREDENTIALS に"
            f"設定するか、{default} に置いてください（手順: {GUIDE}）。"
        )
    return default


def load_credentials(
    path: Path, scopes: Sequence[str] = READ_SCOPES
) -> service_account.Credentials:
    """Sheets credentials (read-only unless told) from a key file; never echoes its contents."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(
            f"鍵ファイル「{path}」を JSON として読めません（{type(exc).__name__}）。"
            "Google Cloud でダウンロードした鍵ファイルをそのまま指定してください。"
        ) from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise SourceError(
            f"鍵ファイル「{path}」はサービスアカウントの鍵ではありません。"
            f"サービスアカウントの「鍵を追加」で作った JSON ファイルを指定してください（手順: {GUIDE}）。"
        )
    try:
        return service_account.Credentials.from_service_account_info(info, scopes=list(scopes))
    except (ValueError, TypeError, KeyError) as exc:
        raise SourceError(
            f"鍵ファイル「{path}」の内容が足りないか壊れています（{type(exc).__name__}）。"
            "鍵を作り直して、新しい JSON ファイルを指定してください。"
        ) from None


def _grid(value_range: Mapping[str, Any], merges: Sequence[Mapping[str, int]]) -> list[list[Any]]:
    """Rows from row 1 and column A, as the sheet shows them.

    The API leaves out trailing empty cells and rows, and the ``values`` key
    of an empty tab. A merged cell carries its value only in its top-left
    cell; the sheet shows it across the merged rows, so the value is copied
    down into the merged rows that hold anything else (a merge hanging over
    blank rows does not make rows).
    """
    first_row, first_col = range_start(str(value_range.get("range", "")))
    grid: list[list[Any]] = [[] for _ in range(first_row - 1)]
    grid += [[""] * first_col + list(row) for row in value_range.get("values", [])]
    for merge in merges:
        top, bottom = merge.get("startRowIndex", 0), merge.get("endRowIndex", len(grid))
        left = merge.get("startColumnIndex", 0)
        right = merge.get("endColumnIndex", left + 1)
        if top >= len(grid) or left >= len(grid[top]) or grid[top][left] in ("", None):
            continue
        for r in range(top + 1, min(bottom, len(grid))):
            row = grid[r]
            if not any(str(cell).strip() for cell in row):
                continue
            row.extend([""] * (right - len(row)))
            for c in range(left, right):
                if row[c] in ("", None):
                    row[c] = grid[top][c] if c < len(grid[top]) else ""
    return grid


@dataclass(frozen=True, slots=True)
class Access:
    """What a command does with a sheet: the scope it asks for and how its failures read.

    ``role`` is the sharing role the service account needs (「閲覧者」, 「編集者」),
    ``failed`` opens the message when the exchange gave up, ``aftermath`` says
    what was left as it was and what to do next.
    """

    scopes: tuple[str, ...]
    role: str
    verb: str  # what the role lets the account do to the sheet
    failed: str
    aftermath: str


READ = Access(
    scopes=READ_SCOPES,
    role="閲覧者",
    verb="見る",
    failed="Google スプレッドシートを読み込めませんでした",
    aftermath="データとサイトは前のまま変わっていません。",
)


@dataclass(frozen=True, slots=True)
class Connection:
    key: str
    client: SheetsHTTPClient
    email: str  # the service account's, for messages about sharing


def _api_failure(exc: APIError, key: str, email: str, access: Access) -> SourceError:
    status = exc.response.status_code
    error = exc.error if isinstance(exc.error, dict) else {}
    message = str(error.get("message", ""))[:200]
    if status == 403:
        if "has not been used" in message or "disabled" in message:
            return SourceError(
                "Google Cloud のプロジェクトで Google Sheets API が有効になっていません。"
                "サービスアカウントのプロジェクトで「Google Sheets API」を有効にしてください"
                f"（手順: {GUIDE}）。"
            )
        return SourceError(
            f"サービスアカウント「{email}」には、このスプレッドシートを{access.verb}権限がありません。"
            f"スプレッドシートの「共有」で「{email}」を「{access.role}」として追加してから、"
            "もう一度実行してください。"
        )
    if status == 404:
        return SourceError(
            f"スプレッドシート（キー: {key}）が見つかりません。URL を確かめてください。"
            "キーは、ブラウザのアドレス欄 https://docs.google.com/spreadsheets/d/<キー>/edit の"
            "<キー> の部分です。"
        )
    if status == 401:
        return SourceError(
            f"サービスアカウント「{email}」で認証できませんでした。鍵ファイルが無効になっていないか"
            "確かめ、必要なら鍵を作り直してください。"
        )
    detail = f": {message}" if message else ""
    return SourceError(
        f"Google スプレッドシートが要求を受け付けませんでした（{status}{detail}）。{access.aftermath}"
    )


def _exhausted(exc: Exhausted, access: Access) -> SourceError:
    ended = (
        f"{exc.elapsed:.0f} 秒で打ち切りました" if exc.deadline_hit else f"{exc.tries} 回試しました"
    )
    return SourceError(
        f"{access.failed}。{exc.last.reason}。{ended}。"
        f"しばらく待ってから、もう一度実行してください。{access.aftermath}"
    )


@contextmanager
def connect(
    spec: str, environ: Mapping[str, str] = os.environ, access: Access = READ
) -> Iterator[Connection]:
    """A client for one spreadsheet; inside the block every failure becomes a Japanese SourceError.

    The settings, the key file and the key are checked before anything is sent.
    """
    key = spreadsheet_key(spec)
    policy = RetryPolicy.from_env(environ)
    endpoint = _endpoint(environ)
    credentials = load_credentials(key_file(environ), access.scopes)
    email = credentials.service_account_email
    client = SheetsHTTPClient(credentials, Budget(policy), endpoint)
    try:
        yield Connection(key, client, email)
    except APIError as exc:
        raise _api_failure(exc, key, email, access) from None
    except Exhausted as exc:
        raise _exhausted(exc, access) from None
    except Unanswered as exc:
        raise SourceError(
            f"Google スプレッドシートに書き込みを送りましたが、{exc.reason}。"
            "書き込まれたかどうか分からないため、送り直していません。"
            f"スプレッドシートを開いてタブを確かめてから、もう一度実行してください。{access.aftermath}"
        ) from None
    except google.auth.exceptions.RefreshError:
        raise SourceError(
            f"サービスアカウント「{email}」で認証できませんでした。"
            "鍵ファイルが削除・無効にされていないか確かめ、必要なら鍵を作り直してください"
            f"（手順: {GUIDE}）。"
        ) from None
    except (KeyError, TypeError, ValueError):
        raise SourceError(
            "Google スプレッドシートの応答を読み取れませんでした。MANABI_SHEETS_ENDPOINT を"
            "設定している場合は、その URL が Google Sheets API（v4）かを確かめてください。"
        ) from None
    finally:
        client.session.close()


def grid_sheets(metadata: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The metadata's grid tabs (not chart sheets), by name."""
    return {
        str(sheet["properties"]["title"]): sheet
        for sheet in metadata.get("sheets", [])
        if sheet.get("properties", {}).get("sheetType", "GRID") == "GRID"
    }


def read_gsheet(spec: str, environ: Mapping[str, str] = os.environ) -> Workbook:
    """Every schema tab of a Google Sheet in two API requests (plus the token)."""
    with connect(spec, environ) as sheet:
        metadata = sheet.client.fetch_sheet_metadata(
            sheet.key,
            params={
                "includeGridData": "false",
                "fields": "properties(title,locale,timeZone),"
                "sheets(properties(sheetId,title,index,sheetType,hidden),merges)",
            },
        )
        sheets = grid_sheets(metadata)
        # Only tabs that exist: one missing range fails the whole batchGet with 400.
        wanted = [tab.name for tab in TABS if tab.name in sheets]
        value_ranges: list[Mapping[str, Any]] = []
        if wanted:
            response = sheet.client.values_batch_get(
                sheet.key,
                [quote_tab(name) for name in wanted],
                params={"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"},
            )
            value_ranges = response.get("valueRanges", [])
    if len(value_ranges) != len(wanted):
        raise SourceError(
            "Google スプレッドシートの応答にタブが足りません。しばらく待ってから、もう一度実行してください。"
        )
    # Tabs that are not in the schema are not fetched; their names stay so that
    # validation can suggest "rename 講座 (2) to 講座".
    tables = {name: Table(sheet=name, header=[]) for name in sheets}
    for name, value_range in zip(wanted, value_ranges, strict=True):
        tables[name] = Table.from_grid(name, _grid(value_range, sheets[name].get("merges", [])))
    return Workbook(origin=f"gsheet:{sheet.key}", tables=tables)


__all__ = [
    "READ",
    "WRITE_SCOPES",
    "Access",
    "Budget",
    "Connection",
    "Exhausted",
    "RetryPolicy",
    "SheetsHTTPClient",
    "Transient",
    "Unanswered",
    "connect",
    "grid_sheets",
    "is_gsheet",
    "quote_tab",
    "read_gsheet",
    "spreadsheet_key",
]

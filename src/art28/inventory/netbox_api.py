"""Live NetBox: read NetBox 4.x's REST list endpoints into a folder of the ``netbox`` import format (issue 12).

``fetch_netbox(url, token, folder)`` reads every page of each list the ``netbox`` format knows
(dcim/regions, dcim/sites, tenancy/tenants, virtualization/clusters, dcim/devices,
virtualization/virtual-machines), following ``next``, and writes each list as one envelope
``{"count", "next": null, "previous": null, "results"}`` under its file name (sites.json …), so the
file importer reads it unchanged. ``netbox_sync`` fetches everything first and imports only once the
whole fetch succeeded: any error (refused token, server error, timeout, invalid JSON, a page missing,
a ``next`` link to another origin) raises ``NetboxError`` naming the endpoint, and nothing is imported.

Tokens starting ``nbt_`` (NetBox 4.5+ v2 tokens) are sent as ``Authorization: Bearer …``, others
(v1) as ``Authorization: Token …``. Only the standard library is used (urllib): no new dependency.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings

if TYPE_CHECKING:
    from art28.core.audit import Actor

# (file of the netbox format, API endpoint under /api/, extra query parameters)
ENDPOINTS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("regions.json", "dcim/regions", {}),
    ("sites.json", "dcim/sites", {}),
    ("tenants.json", "tenancy/tenants", {}),
    ("clusters.json", "virtualization/clusters", {}),
    # config_context (the rendered configuration data) is the heaviest field and unused here; NetBox 4.x
    # omits a field with ?omit= (3.x's ?exclude=config_context is ignored by 4.x, as a capture showed).
    ("devices.json", "dcim/devices", {"omit": "config_context"}),
    ("virtual-machines.json", "virtualization/virtual-machines", {"omit": "config_context"}),
)
V2_TOKEN_PREFIX = "nbt_"  # noqa: S105 - the prefix of v2 tokens, not a secret
USER_AGENT = "art28-netbox-sync"


class NetboxError(Exception):
    """The fetch failed; the message names the endpoint and what went wrong. Nothing was imported."""


@dataclass
class Fetched:
    """What one fetch read: objects and pages per endpoint, in ENDPOINTS order."""

    url: str
    objects: dict[str, int] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)


def authorization(token: str) -> str:
    """The Authorization header for a NetBox API token: v2 tokens (``nbt_…``, 4.5+) as Bearer, v1 as Token."""
    token = token.strip()
    return f"Bearer {token}" if token.startswith(V2_TOKEN_PREFIX) else f"Token {token}"


def api_root(url: str) -> str:
    """``https://netbox.example.net`` (or …/api, or a base path such as …/netbox/) → the API root ending in /api/."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NetboxError(f"not an http(s) URL of a NetBox: {url!r}")
    if parts.query or parts.fragment:
        raise NetboxError(f"give NetBox's base URL without a query: {url!r}")
    path = parts.path.rstrip("/")
    if not path.endswith("/api"):
        path += "/api"
    return f"{parts.scheme}://{parts.netloc}{path}/"


class _Redirected(Exception):
    def __init__(self, code: int, location: str) -> None:
        super().__init__(code, location)
        self.code, self.location = code, location


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: the token must go to the URL the operator gave, and nowhere else."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        raise _Redirected(code, newurl)


class NetboxClient:
    """GET NetBox list endpoints with a token; every failure is a NetboxError naming the endpoint."""

    def __init__(self, url: str, token: str, *, timeout: float | None = None, page_size: int | None = None) -> None:
        if not token.strip():
            raise NetboxError("the NetBox API token is empty")
        self.root = api_root(url)
        self.origin = urlsplit(self.root)[:2]
        self.timeout = settings.ART28_NETBOX_TIMEOUT if timeout is None else timeout
        self.page_size = settings.ART28_NETBOX_PAGE_SIZE if page_size is None else page_size
        self._auth = authorization(token)
        self._opener = urllib.request.build_opener(_NoRedirect())

    def fetch_raw(self, endpoint: str, url: str) -> tuple[int, str, bytes]:
        """One GET as NetBox answered it: (HTTP status, content type, body); NetboxError when there is no answer."""
        if urlsplit(url)[:2] != self.origin:
            raise NetboxError(f"NetBox {endpoint}: refusing to send the token to another origin ({url})")
        request = urllib.request.Request(url, method="GET")  # noqa: S310 - http(s) only: api_root, same origin
        request.add_header("Accept", "application/json")
        request.add_header("User-Agent", USER_AGENT)
        if self._auth:
            request.add_unredirected_header("Authorization", self._auth)
        where = f"NetBox {endpoint} (GET {url})"
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers.get_content_type(), response.read()
        except _Redirected as redirect:
            raise NetboxError(
                f"{where}: NetBox answered HTTP {redirect.code}, a redirect to {redirect.location}; the token is "
                "not sent there: give the URL it leads to (e.g. https://) as NetBox's URL"
            ) from None
        except urllib.error.HTTPError as error:
            try:
                body = error.read()
            except OSError:
                body = b""
            return error.code, error.headers.get_content_type() if error.headers else "", body
        except TimeoutError:
            raise NetboxError(f"{where}: no answer within {self.timeout:g} s (ART28_NETBOX_TIMEOUT)") from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError | socket.timeout):
                raise NetboxError(f"{where}: no answer within {self.timeout:g} s (ART28_NETBOX_TIMEOUT)") from None
            if isinstance(reason, ssl.SSLError):
                raise NetboxError(f"{where}: TLS failed: {reason}") from None
            raise NetboxError(f"{where}: cannot connect: {reason}") from None
        except (OSError, ValueError, http.client.HTTPException) as error:  # reset mid-body, bad status line …
            raise NetboxError(f"{where}: {error.__class__.__name__}: {error}") from None

    def get(self, endpoint: str, url: str) -> dict[str, Any]:
        """One page as a dict; raises NetboxError on any HTTP, network, TLS or JSON failure."""
        status, kind, body = self.fetch_raw(endpoint, url)
        where = f"NetBox {endpoint} (GET {url})"
        if status != 200:
            raise NetboxError(f"{where}: {_http_problem(status, body)}")
        if kind != "application/json":
            raise NetboxError(f"{where}: expected JSON, got {kind or 'no content type'} (is this NetBox's URL?)")
        try:
            page = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise NetboxError(f"{where}: invalid JSON: {error}") from None
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise NetboxError(f'{where}: expected a NetBox API list {{"count", "next", "results"}}')
        return page

    def first_url(self, endpoint: str, extra: dict[str, str]) -> str:
        return f"{self.root}{endpoint}/?{urlencode({'limit': self.page_size, 'offset': 0, **extra})}"

    def check_next(self, endpoint: str, url: str, next_url: Any) -> str | None:
        """The next page's URL, refused unless it is on NetBox's own origin (the token goes with it)."""
        if next_url is None:
            return None
        if not isinstance(next_url, str) or not next_url:
            raise NetboxError(f"NetBox {endpoint} (GET {url}): 'next' is not a URL: {next_url!r}")
        parts = urlsplit(next_url)
        if (parts.scheme, parts.netloc) != self.origin:
            raise NetboxError(
                f"NetBox {endpoint} (GET {url}): the next page is on another origin ({next_url}, not "
                f"{self.origin[0]}://{self.origin[1]}); the token is not sent there. Behind a proxy, "
                "NetBox must know its public scheme and host (e.g. the proxy's X-Forwarded-Proto header)"
            )
        return next_url

    def fetch_list(
        self, endpoint: str, extra: dict[str, str], out: IO[str], progress: Callable[[str, int, int], None] | None
    ) -> tuple[int, int]:
        """Write every object of one list to ``out`` as a netbox-format envelope; returns (objects, pages)."""
        url: str | None = self.first_url(endpoint, extra)
        seen: set[Any] = set()
        count: int | None = None
        pages = received = 0
        out.write('{"count": ')
        while url is not None:
            page = self.get(endpoint, url)
            pages += 1
            page_count = page.get("count")
            if not isinstance(page_count, int) or isinstance(page_count, bool) or page_count < 0:
                raise NetboxError(f"NetBox {endpoint} (GET {url}): 'count' is not a number: {page_count!r}")
            if count is None:
                count = page_count
                out.write(f'{count}, "next": null, "previous": null, "results": [')
            elif page_count != count:
                raise NetboxError(
                    f"NetBox {endpoint} (GET {url}): the list changed while it was read ({count} objects, "
                    f"then {page_count}); run the sync again"
                )
            for item in page["results"]:
                key = item.get("id") if isinstance(item, dict) else None
                if key is not None:
                    if key in seen:
                        raise NetboxError(
                            f"NetBox {endpoint} (GET {url}): object id {key} came twice; the list changed while "
                            "it was read, run the sync again"
                        )
                    seen.add(key)
                out.write(",\n" if received else "\n")
                json.dump(item, out, ensure_ascii=False)
                received += 1
            if progress is not None:
                progress(endpoint, received, count)
            if received > count:
                raise NetboxError(
                    f"NetBox {endpoint} (GET {url}): more objects ({received}) than the count ({count}); "
                    "the list changed while it was read, run the sync again"
                )
            next_url = self.check_next(endpoint, url, page.get("next"))
            if next_url is not None and not page["results"]:
                raise NetboxError(f"NetBox {endpoint} (GET {url}): an empty page that is not the last")
            url = next_url
        if received != count:
            raise NetboxError(
                f"NetBox {endpoint}: {received} objects received but NetBox counts {count}: a page is missing"
            )
        out.write("\n]}\n")
        return received, pages


def _http_problem(status: int, body: bytes) -> str:
    detail = ""
    try:
        parsed = json.loads(body or b"null")
        if isinstance(parsed, dict) and isinstance(parsed.get("detail"), str):
            detail = f" ({parsed['detail']})"
    except ValueError:
        pass
    if status in (401, 403):
        return (
            f"NetBox refused the token: HTTP {status}{detail}; check the token and that it may read "
            "this list (v2 tokens nbt_… need NetBox 4.5 or later)"
        )
    if status == 404:
        return f"HTTP 404{detail}: no such endpoint; is this the URL of a NetBox 4.x?"
    return f"NetBox answered HTTP {status}{detail}"


def fetch_netbox(
    url: str,
    token: str,
    folder: Path,
    *,
    timeout: float | None = None,
    page_size: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Fetched:
    """Write every list the netbox format reads into ``folder``; raise NetboxError on the first failure.

    ``progress(endpoint, received, count)`` is called after each page.
    """
    client = NetboxClient(url, token, timeout=timeout, page_size=page_size)
    fetched = Fetched(url=client.root)
    for name, endpoint, extra in ENDPOINTS:
        with open(folder / name, "w", encoding="utf-8") as out:
            fetched.objects[endpoint], fetched.pages[endpoint] = client.fetch_list(endpoint, extra, out, progress)
    return fetched


def netbox_sync(
    url: str,
    token: str,
    *,
    actor: Actor,
    source: str = "netbox",
    dry_run: bool = False,
    force: bool = False,
    timeout: float | None = None,
    page_size: int | None = None,
    fetch_progress: Callable[[str, int, int], None] | None = None,
    import_progress: Callable[[int, int], None] | None = None,
) -> tuple[Fetched, Any]:
    """Fetch NetBox completely, then import what was fetched as a full sync of ``source``.

    Raises NetboxError (fetch failed: nothing imported) or ImportFailed (the data has problems: nothing
    changed). Returns what was fetched and the importer's report.
    """
    from art28.inventory.importers import import_inventory

    with tempfile.TemporaryDirectory(prefix="art28-netbox-") as tmp:
        # The folder's name is what problems name as the input; the audit entry names the API's URL.
        folder = Path(tmp) / (urlsplit(api_root(url)).netloc or "netbox")
        folder.mkdir()
        fetched = fetch_netbox(url, token, folder, timeout=timeout, page_size=page_size, progress=fetch_progress)
        report = import_inventory(
            folder,
            format="netbox",
            actor=actor,
            progress=import_progress,
            sync=True,
            source=source,
            dry_run=dry_run,
            force=force,
            label=fetched.url,
        )
    return fetched, report


def token_from_env(variable: str) -> str:
    """The API token held by the environment variable ``variable`` (its name is a setting, never the token)."""
    if not variable:
        raise NetboxError("no environment variable named for the NetBox API token (--token-env)")
    token = os.environ.get(variable, "").strip()
    if not token:
        raise NetboxError(f"the environment variable {variable} holding the NetBox API token is not set or empty")
    return token


def configured_sync(*, actor_label: str) -> tuple[Fetched, Any]:
    """The sync the settings describe (ART28_NETBOX_URL, the token in $ART28_NETBOX_TOKEN_ENV), as ``actor_label``."""
    from art28.core.audit import SystemActor

    if not settings.ART28_NETBOX_URL:
        raise NetboxError("ART28_NETBOX_URL is not set: no NetBox to sync from")
    token = token_from_env(settings.ART28_NETBOX_TOKEN_ENV)
    return netbox_sync(settings.ART28_NETBOX_URL, token, actor=SystemActor(actor_label))

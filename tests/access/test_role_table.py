"""The role table (core/access.py) against what the site does, generated from the URL resolver and the
OpenAPI document so that a new page or operation cannot be forgotten.

Each page and operation is requested as each staff role, two customers of two organisations (and a
customer viewer), and the public. A role the table allows passes the door (no 401, 403 or login
redirect); one it refuses gets a 403 (the login page, or 401 on the API, for the public), for GET and
for unsafe methods alike. A customer naming another organisation's object gets a 404 while the same URL
with its own object answers 200: existence is not revealed (GDPR Art. 28(3)(b), 32(1)(b)).
Django's admin is one gate (``admin_site_permission``): its pages without path values are requested.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from django.urls import NoReverseMatch, reverse

from art28.core.access import ANONYMOUS, NAMESPACE_ROLES, OPERATION_ROLES, SOURCE_PAGES, URL_ROLES, url_roles
from tests.access.routes import api_operations, minimal_body, url_names, url_routes
from tests.access.world import CALLERS, CUSTOMER_A, CUSTOMER_B, World, role_of

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"  # Django's admin sends whoever it refuses to its own login page
OPERATIONS = {op.operation_id: op for op in api_operations()}


def _in_table(name: str) -> bool:
    try:
        url_roles(name)
    except KeyError:
        return False
    return True


# --- the table names everything there is, and nothing else ---------------------------------------------


def test_every_named_url_is_in_the_role_table():
    missing = [name for name in url_names() if not _in_table(name)]
    assert not missing, f"add these URL names to URL_ROLES in core/access.py: {missing}"


def test_the_role_table_names_no_url_that_is_gone():
    stale = sorted(set(URL_ROLES) - set(url_names()))
    assert not stale, f"URL_ROLES names URLs that no longer exist: {stale}"


def test_only_the_admin_has_unnamed_urls():
    unnamed = [r.pattern for r in url_routes() if not r.name and not r.pattern.startswith("admin/")]
    assert not unnamed, f"give these URL patterns a name and a line in the role table: {unnamed}"
    assert set(NAMESPACE_ROLES) == {"admin"}


def test_every_api_operation_is_in_the_role_table():
    missing = sorted(set(OPERATIONS) - set(OPERATION_ROLES))
    assert not missing, f"add these operation ids to OPERATION_ROLES in core/access.py: {missing}"


def test_the_role_table_names_no_operation_that_is_gone():
    stale = sorted(set(OPERATION_ROLES) - set(OPERATIONS))
    assert not stale, f"OPERATION_ROLES names operations that no longer exist: {stale}"


def test_every_message_source_is_read_through_a_page_of_the_table():
    from art28.breaches.sending import SOURCE_TYPE as BREACH
    from art28.dpo.services import SOURCE_TYPE as DPO
    from art28.legal.notices import SOURCE_TYPE as LEGAL
    from art28.subprocessors.notices import SOURCE_TYPE as SUBPROCESSORS

    assert {BREACH, DPO, LEGAL, SUBPROCESSORS} <= set(SOURCE_PAGES)
    assert all(page in URL_ROLES for page, _label in SOURCE_PAGES.values())


def _declared_roles(callback) -> frozenset[str] | None:
    for _ in range(10):
        roles = getattr(callback, "allowed_roles", None)
        if roles is not None:
            return roles
        callback = getattr(callback, "__wrapped__", None)
        if callback is None:
            return None
    return None


def test_each_views_role_required_says_what_the_table_says():
    """Read back from the views: ``role_required`` records the roles it lets through."""
    differ = {
        r.name: (sorted(declared), sorted(url_roles(r.name)))
        for r in url_routes()
        if r.name and (declared := _declared_roles(r.callback)) is not None and declared != url_roles(r.name)
    }
    assert not differ, f"view (declared, table): {differ}"


# --- pages ---------------------------------------------------------------------------------------------


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith((LOGIN, ADMIN_LOGIN))


def _refused(response, caller: str) -> bool:
    if caller == ANONYMOUS:
        return _is_login_redirect(response)
    return response.status_code == 403 or (
        _is_login_redirect(response) and response["Location"].startswith(ADMIN_LOGIN)
    )


def _passes_the_door(response) -> bool:
    return response.status_code not in (401, 403) and not _is_login_redirect(response)


# Pages whose outermost wrapper is ``role_required``: it refuses before the view sees the method.
GATED_FIRST = frozenset(r.name for r in url_routes() if r.name and hasattr(r.callback, "allowed_roles"))


def _matrix_urls() -> list[str]:
    """Every page; of Django's admin (one gate for all of it), the index and each table's list."""
    names = [n for n in url_names() if not n.startswith("admin:")]
    admin = [n for n in url_names() if n == "admin:index" or n.endswith("_changelist")]
    return names + admin


def _url(world: World, name: str, kwargs: dict | None = None) -> str:
    try:
        return reverse(name, kwargs=kwargs if kwargs is not None else world.url_kwargs.get(name))
    except NoReverseMatch as exc:
        raise AssertionError(f"{name}: give it path values of a real object in tests/access/world.py") from exc


@pytest.mark.parametrize("name", _matrix_urls())
def test_page_answers_each_role_as_the_table_says(world, name):
    url = _url(world, name)
    allowed = url_roles(name)
    wrong = []
    for caller in CALLERS:
        client = world.pages[caller]
        response = client.get(url)
        if role_of(caller) in allowed:
            expected = "404" if caller == CUSTOMER_B and name in world.readable_b else "passes"
            ok = response.status_code == 404 if expected == "404" else _passes_the_door(response)
            if caller == CUSTOMER_A and name in world.readable_b:
                expected, ok = "200 (own object)", response.status_code == 200
        elif name in GATED_FIRST:  # role_required answers before anything else, whatever the method
            expected, ok = "refused", _refused(response, caller)
        else:  # the view may look at the method first: the unsafe method must be refused too
            expected = "refused (GET and POST)"
            post = client.post(url)
            ok = (_refused(response, caller) or response.status_code == 405) and _refused(post, caller)
        if not ok:
            wrong.append(f"{caller}: GET {url} → {response.status_code}, expected {expected}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(_n for _n in URL_ROLES if _n.startswith("portal:")))
def test_a_customer_naming_another_organisations_object_gets_404(world, name):
    """Both ways: B naming A's object is in the matrix above; here A names B's."""
    if name not in world.url_kwargs_b:
        owned = set(world.url_kwargs.get(name, {})) - {"fmt", "slug", "number"}  # a format, a public document
        assert not owned, f"{name}: add organisation B's object to url_kwargs_b in tests/access/world.py"
        return
    client, others = world.pages[CUSTOMER_A], _url(world, name, world.url_kwargs_b[name])
    if name in world.readable_b:
        assert client.get(_url(world, name)).status_code == 200
        assert client.get(others).status_code == 404
    else:  # a write: refused with a 404 before anything is changed
        assert client.post(others).status_code == 404


# --- API operations ------------------------------------------------------------------------------------


def _api_path(world: World, op, params: dict | None = None) -> str:
    params = params if params is not None else world.op_params.get(op.operation_id, {})

    def fill(match: re.Match) -> str:
        key = match.group(1)
        assert key in params, f"{op.operation_id}: give {{{key}}} a real value in tests/access/world.py"
        return str(params[key])

    return re.sub(r"\{(\w+)\}", fill, op.path)


def _with_query(path: str, op) -> str:
    return f"{path}?{urlencode(op.query)}" if op.query else path


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_api_operation_answers_each_role_as_the_table_says(world, operation_id):
    op = OPERATIONS[operation_id]
    path = _api_path(world, op)
    allowed = OPERATION_ROLES[operation_id]
    body = json.dumps(minimal_body(op.body_schema)) if op.body_schema else None
    wrong = []
    for caller in CALLERS:
        client = world.api[caller]
        may = role_of(caller) in allowed
        if op.method != "GET" and may:
            continue  # success of a write is the domain tests' business; here only refusals
        response = client.generic(op.method, _with_query(path, op), body or "", content_type="application/json")
        if not may:
            expected, ok = "401" if caller == ANONYMOUS else "403", None
            ok = response.status_code == int(expected)
        elif caller == CUSTOMER_B and operation_id in world.op_params_b:
            expected, ok = "404", response.status_code == 404
        elif caller == CUSTOMER_A and operation_id in world.op_params_b:
            expected, ok = "200 (own object)", response.status_code == 200
        else:
            expected, ok = "not 401/403", response.status_code not in (401, 403)
        if not ok:
            answer = f"{response.status_code} {response.content[:200]!r}"
            wrong.append(f"{caller}: {op.method} {path} → {answer}, expected {expected}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("operation_id", sorted(o for o in OPERATION_ROLES if "_api_my_" in o))
def test_a_customer_naming_another_organisations_object_in_the_api_gets_404(world, operation_id):
    op = OPERATIONS[operation_id]
    if operation_id not in world.op_params_b:
        assert not re.search(r"\{\w+\}", op.path), f"{operation_id}: add organisation B's object"
        return
    client, others = world.api[CUSTOMER_A], _api_path(world, op, world.op_params_b[operation_id])
    if op.method == "GET":
        assert client.get(_api_path(world, op)).status_code == 200
        assert client.get(others).status_code == 404
    else:  # a write: a valid body, refused with a 404 before anything is changed
        body = json.dumps(minimal_body(op.body_schema)) if op.body_schema else ""
        assert client.generic(op.method, others, body, content_type="application/json").status_code == 404

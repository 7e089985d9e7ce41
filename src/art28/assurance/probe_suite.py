"""Isolation probe suites (S6; docs/assurance.md, "Isolation probes"): a YAML file of pairs, each an
*attack* (tenant A's credentials or network position against tenant B's resource, expected to be refused)
and its *control* (B's own access to the same resource, expected to succeed).

Secrets are never in the file: a credential is written ``${ENV_VAR}`` and read from the environment when
the suite runs, so a stored suite or run holds no secret. A literal password, token or key is refused,
as is a DSN with a password in it. Every problem is named ``FILE:LINE: pairs[i].field: reason``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from art28.core.problems import Problems, read_text

KINDS = ("tcp", "http", "postgres", "s3")
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
NETNS = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
# An S3 access key id is not among them: it names the key (it travels in clear in every request), the
# secret access key is the secret; a literal id or a ${VAR} are both accepted.
SECRET_FIELDS = ("password", "token", "secret_access_key", "session_token")
SECRET_HEADERS = ("authorization", "cookie", "x-api-key", "x-auth-token", "proxy-authorization")
DEFAULT_REFUSED_HTTP = (401, 403, 404)
FIELDS = {
    "tcp": {"host", "port", "source", "netns"},
    "http": {"url", "method", "headers", "verify_tls", "expect_status", "refused_status"},
    "postgres": {"dsn", "password"},
    "s3": {"endpoint", "bucket", "key", "access_key_id", "secret_access_key", "session_token", "region",
           "addressing_style", "verify_tls"},
}  # fmt: skip


@dataclass
class Probe:
    """One side of a pair: the kind's fields, secrets still as ``${VAR}`` references."""

    kind: str
    fields: dict[str, Any]


@dataclass
class Pair:
    name: str
    kind: str
    attack: Probe
    control: Probe
    tenant: str = ""
    target: str = ""
    assets: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class Suite:
    name: str
    path: Path
    timeout: float
    pairs: list[Pair]
    workers: int = 16


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of each mapping (``__line__``), for FILE:LINE problems."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = {str(key): value for key, value in loader.construct_mapping(node, deep=True).items()}
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def resolve(value: Any, environment: Mapping[str, str] | None = None) -> Any:
    """``value`` with every ``${VAR}`` replaced from the environment (KeyError names a missing one)."""
    variables: Mapping[str, str] = os.environ if environment is None else environment
    if isinstance(value, str):
        return REFERENCE.sub(lambda match: variables[match.group(1)], value)
    if isinstance(value, dict):
        return {k: resolve(v, variables) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [resolve(v, variables) for v in value]
    return value


def references(value: Any) -> set[str]:
    """The environment variables ``value`` refers to."""
    if isinstance(value, str):
        return set(REFERENCE.findall(value))
    if isinstance(value, dict):
        return set().union(*(references(v) for k, v in value.items() if k != "__line__"))
    if isinstance(value, list):
        return set().union(*(references(v) for v in value))
    return set()


def _check_side(where: str, kind: str, side: Any, file: str, line: int, problems: Problems) -> Probe | None:
    if not isinstance(side, dict):
        problems.add(file, line, f"{where}: a mapping of the {kind} probe's fields")
        return None
    line = side.get("__line__", line)
    fields = {k: v for k, v in side.items() if k != "__line__"}
    unknown = sorted(set(fields) - FIELDS[kind])
    if unknown:
        problems.add(file, line, f"{where}.{unknown[0]}: not a {kind} field ({', '.join(sorted(FIELDS[kind]))})")
    for name in SECRET_FIELDS:
        if name in fields and not REFERENCE.fullmatch(str(fields[name])):
            problems.add(file, line, f"{where}.{name}: write a reference ${{ENV_VAR}}, never the secret itself")
    for header, value in (fields.get("headers") or {}).items():
        if str(header).lower() in SECRET_HEADERS and not REFERENCE.search(str(value)):
            problems.add(file, line, f"{where}.headers.{header}: the credential must come from ${{ENV_VAR}}")
    if kind == "tcp":
        port = fields.get("port")
        if not fields.get("host") or not isinstance(port, int) or not 0 < port < 65536:
            problems.add(file, line, f"{where}: host and a port from 1 to 65535")
        if "netns" in fields and not NETNS.fullmatch(str(fields["netns"])):
            problems.add(file, line, f"{where}.netns: a network namespace's name (letters, digits, - _ .)")
    elif kind == "http":
        url = str(fields.get("url", ""))
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            problems.add(file, line, f"{where}.url: an http:// or https:// URL")
    elif kind == "postgres":
        dsn = str(fields.get("dsn", ""))
        parts = urlsplit(dsn)
        if parts.scheme not in ("postgres", "postgresql") or not parts.path.strip("/"):
            problems.add(file, line, f"{where}.dsn: postgresql://role@host:port/database")
        elif parts.password and not REFERENCE.fullmatch(parts.password):
            problems.add(file, line, f"{where}.dsn: no password in the DSN; give password: ${{ENV_VAR}}")
    elif kind == "s3":
        _check_s3(where, fields, file, line, problems)
    return Probe(kind, fields)


def _check_s3(where: str, fields: dict[str, Any], file: str, line: int, problems: Problems) -> None:
    endpoint = urlsplit(str(fields.get("endpoint", "")))
    if endpoint.scheme not in ("http", "https") or not endpoint.hostname:
        problems.add(file, line, f"{where}.endpoint: the storage's http:// or https:// URL, without the bucket")
    for name, what in (("bucket", "the bucket's name"), ("key", "the object's key")):
        if not isinstance(fields.get(name), str) or not fields[name].strip():
            problems.add(file, line, f"{where}.{name}: required, {what}")
    if "/" in str(fields.get("bucket", "")):
        problems.add(file, line, f"{where}.bucket: a bucket's name, without /")
    if ("access_key_id" in fields) != ("secret_access_key" in fields):
        problems.add(file, line, f"{where}: access_key_id and secret_access_key together (neither: an anonymous GET)")
    if "session_token" in fields and "access_key_id" not in fields:
        problems.add(file, line, f"{where}.session_token: only with access_key_id and secret_access_key")
    if "region" in fields and (not isinstance(fields["region"], str) or not fields["region"].strip()):
        problems.add(file, line, f"{where}.region: a region's name, such as us-east-1 (the default)")
    if fields.get("addressing_style", "path") not in ("path", "virtual"):
        problems.add(file, line, f"{where}.addressing_style: path (the default) or virtual")
    if not isinstance(fields.get("verify_tls", True), bool):
        problems.add(file, line, f"{where}.verify_tls: true or false")


def load_suite(path: Path, problems: Problems, environment: Mapping[str, str] | None = None) -> Suite | None:
    """The suite, checked: kinds, fields, secrets as references, and every referenced variable set."""
    path = Path(path)
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(path.name, mark.line + 1 if mark else 0, f"not YAML: {getattr(exc, 'problem', exc)}")
        return None
    if not isinstance(document, dict) or not isinstance(document.get("pairs"), list):
        problems.add(path.name, 1, "a suite is a mapping with suite: NAME and pairs: [...]")
        return None
    timeout = document.get("timeout", 5)
    if not isinstance(timeout, int | float) or not 0 < timeout <= 60:
        problems.add(path.name, document["__line__"], "timeout: seconds per probe, more than 0 and at most 60")
        timeout = 5
    pairs: list[Pair] = []
    names: set[str] = set()
    for index, raw in enumerate(document["pairs"]):
        where = f"pairs[{index}]"
        if not isinstance(raw, dict):
            problems.add(path.name, document["__line__"], f"{where}: a mapping with name, kind, attack, control")
            continue
        line = raw["__line__"]
        kind, name = str(raw.get("kind", "")), str(raw.get("name", "")).strip()
        if kind not in KINDS:
            problems.add(path.name, line, f"{where}.kind: {kind!r} is not one of {', '.join(KINDS)}")
            continue
        if not name or name in names:
            problems.add(path.name, line, f"{where}.name: {'required' if not name else 'the same as another pair'}")
        names.add(name)
        attack = _check_side(f"{where}.attack", kind, raw.get("attack"), path.name, line, problems)
        control = _check_side(f"{where}.control", kind, raw.get("control"), path.name, line, problems)
        known: Mapping[str, str] = os.environ if environment is None else environment
        for variable in sorted(references(raw) - set(known)):
            problems.add(path.name, line, f"{where}: the environment variable {variable} is not set")
        assets = raw.get("assets") or []
        if attack and control:
            pairs.append(Pair(name, kind, attack, control, str(raw.get("tenant", "")), str(raw.get("target", "")),
                              [str(a) for a in assets], line))  # fmt: skip
    workers = document.get("workers", 16)
    suite_name = str(document.get("suite") or path.stem)
    return Suite(suite_name, path, float(timeout), pairs, int(workers) if isinstance(workers, int) else 16)

"""NetBox 4.x as an inventory source: a folder of the REST API's list responses (S1).

regions.json, sites.json, tenants.json, clusters.json, devices.json, virtual-machines.json; each
the paged envelope ``{"count", "next", "previous", "results"}`` or a plain list. Tenants become
customers, devices hosts and virtual machines VMs, a tenant on a device or VM a placement.

NetBox has no country field, so a site's country is read, in this order, from the site custom field
named by ``ART28_NETBOX_COUNTRY_FIELD`` (when set and non-empty), else from the nearest region up
the site's region chain whose slug is an ISO 3166-1 alpha-2 code; else it is unknown. Where it
came from is kept in ``Site.country_source`` and ``country_source_detail``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings

from art28.core.countries import is_country_code
from art28.inventory.importers import validate as v
from art28.inventory.importers.formats import NETBOX_FILES, failure, input_file
from art28.inventory.importers.problems import ProblemLog
from art28.inventory.importers.readers import ByteProgress, read_json
from art28.inventory.importers.staging import Staging
from art28.inventory.models import AssetKind, Site

ABSENT = object()


class Machine(NamedTuple):
    """A device or VM as far as the import needs it (kept in memory to make unique refs)."""

    line: int
    id: int
    name: str
    own_site: str
    tenant: str
    device_id: int | None = None
    device_name: str = ""
    cluster_id: int | None = None
    subject_categories: str | None = None  # None: the custom field does not exist (keep what is stored)


def _nested(item: dict[str, Any], key: str) -> dict[str, Any]:
    value = item.get(key)
    return value if isinstance(value, dict) else {}


def _id(item: dict[str, Any]) -> int | None:
    value = item.get("id")
    return value if isinstance(value, int) else None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


class NetboxSource:
    format = "netbox"
    labels: Mapping[tuple[str, str], str] = {("placements", "customer"): "tenant", ("assets", "parent"): "device"}

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise failure(folder, "the netbox format reads a folder of NetBox API lists (sites.json, devices.json …)")
        present = [name for name in NETBOX_FILES if (folder / name).is_file()]
        if not present:
            raise failure(folder, f"the folder has none of {', '.join(NETBOX_FILES)}")
        self.files = [input_file(folder / name, name) for name in present]
        self._src = {name: index for index, name in enumerate(present)}

    def feed(self, staging: Staging, problems: ProblemLog, progress: ByteProgress) -> tuple[str, ...]:
        self.staging, self.problems, self.progress = staging, problems, progress
        self._regions_known = "regions.json" in self._src
        regions = {item_id: (slug, parent) for _, item_id, slug, parent in self._regions() if item_id is not None}
        clusters = dict(self._clusters())
        entities: list[str] = []
        if "sites.json" in self._src:
            entities.append("sites")
            for line, item in self._items("sites.json"):
                self._site(line, item, regions)
        if "tenants.json" in self._src:
            entities.append("customers")
            for line, item in self._items("tenants.json"):
                self._tenant(line, item)
        devices = [self._machine("devices.json", line, item) for line, item in self._items("devices.json")]
        vms = [
            self._machine("virtual-machines.json", line, item) for line, item in self._items("virtual-machines.json")
        ]
        known: dict[int, tuple[str, str]] = {}
        self._stage_machines(
            "devices.json", devices, kind=AssetKind.HOST.value, prefix="netbox-device", devices=known, clusters={}
        )
        self._stage_machines(
            "virtual-machines.json", vms, kind=AssetKind.VM.value, prefix="netbox-vm", devices=known, clusters=clusters
        )
        if {"devices.json", "virtual-machines.json"} & set(self._src):
            entities += ["assets", "placements"]
        return tuple(entities)

    def _items(self, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """The objects of one API list, envelope or plain list; an unfinished paged export is a problem."""
        if name not in self._src:
            return
        file = self.files[self._src[name]]
        keys: set[str] = set()

        def on_key(key: str, line: int, is_list: bool) -> bool:
            keys.add(key)
            return key == "next" or (key == "results" and is_list)

        for key, line, item in read_json(file, self.problems, self.progress, on_key=on_key, allow_list=True):
            if key == "next":
                if item:
                    self.problems.add(name, line, "next", f"only one page of the list: fetch every page ({item})")
            elif not isinstance(item, dict):
                self.problems.add(name, line, "-", "expected a NetBox object")
            else:
                yield line, item
        if keys and "results" not in keys:
            self.problems.add(name, 1, "-", 'expected a NetBox API list: a list or {"count", "next", "results"}')

    def _regions(self) -> Iterator[tuple[int, int | None, str, int | None]]:
        for line, item in self._items("regions.json"):
            yield line, _id(item), _text(item.get("slug")), _id(_nested(item, "parent"))

    def _clusters(self) -> Iterator[tuple[int, str]]:
        """Cluster id → the slug of the site it is scoped to ('' when its scope is not a site)."""
        for _, item in self._items("clusters.json"):
            if "scope_type" in item:  # NetBox 4.2+
                scoped = _text(_nested(item, "scope").get("slug")) if item.get("scope_type") == "dcim.site" else ""
            else:
                scoped = _text(_nested(item, "site").get("slug"))
            cluster_id = _id(item)
            if cluster_id is not None:
                yield cluster_id, scoped

    def _custom(self, item: dict[str, Any], field: str, name: str, line: int) -> Any:
        """A custom field's value: ABSENT when the field is not defined, '' when it is empty."""
        fields = item.get("custom_fields")
        if not isinstance(fields, dict) or field not in fields:
            return ABSENT
        value = fields[field]
        if value is not None and not isinstance(value, str):
            self.problems.add(name, line, f"custom_fields.{field}", f"expected text, not {type(value).__name__}")
            return ""
        return (value or "").strip()

    def _site(self, line: int, item: dict[str, Any], regions: dict[int, tuple[str, int | None]]) -> None:
        name, p = "sites.json", self.problems
        code = v.text(_text(item.get("slug")), "slug", v.SITE_CODE, name, line, p, required=True)
        title = v.text(_text(item.get("name")), "name", v.SITE_NAME, name, line, p, required=True)
        city = self._custom(item, "city", name, line)
        operator = self._custom(item, "operator", name, line)
        zone = self._time_zone(item, name, line)
        country, source, detail = self._country(line, item, regions)
        if code:
            row = (
                code,
                title,
                None
                if city is ABSENT
                else v.text(city, "custom_fields.city", v.SITE_CITY, name, line, p, required=False),
                country,
                source,
                detail,
                None
                if operator is ABSENT
                else v.text(operator, "custom_fields.operator", v.SITE_OPERATOR, name, line, p, required=False),
                zone,
            )
            self.staging.add("sites", self._src[name], line, row)

    def _time_zone(self, item: dict[str, Any], name: str, line: int) -> str | None:
        """The site's own ``time_zone`` (a NetBox DCIM site field: an IANA name, or null for none); None when
        the object has no such field (keep what is stored)."""
        if "time_zone" not in item:
            return None
        value = item["time_zone"]
        if value is not None and not isinstance(value, str):
            self.problems.add(name, line, "time_zone", f"expected text, not {type(value).__name__}")
            return ""
        return v.time_zone(value or "", "time_zone", name, line, self.problems)

    def _country(
        self, line: int, item: dict[str, Any], regions: dict[int, tuple[str, int | None]]
    ) -> tuple[str, str, str]:
        """(country, source, detail): the custom field if set, else the nearest region that is a country."""
        field = settings.ART28_NETBOX_COUNTRY_FIELD
        if field:
            value = self._custom(item, field, "sites.json", line)
            if value not in (ABSENT, ""):
                code = v.country(value, f"custom_fields.{field}", "sites.json", line, self.problems)
                return code, Site.CountrySource.NETBOX_CUSTOM_FIELD.value, field
        region = _nested(item, "region")
        slug, region_id, seen = _text(region.get("slug")), region.get("id"), set()
        while slug:
            if is_country_code(slug.upper()):
                return slug.upper(), Site.CountrySource.NETBOX_REGION.value, slug
            if region_id in seen or not self._regions_known:
                break
            seen.add(region_id)
            if region_id not in regions:
                self.problems.add("sites.json", line, "region", f"region id {region_id} is not in regions.json")
                break
            region_id = regions[region_id][1]
            slug = regions[region_id][0] if region_id in regions else ""
            if region_id is not None and not slug:
                self.problems.add("sites.json", line, "region", f"region id {region_id} is not in regions.json")
        return "", Site.CountrySource.UNKNOWN.value, ""

    def _tenant(self, line: int, item: dict[str, Any]) -> None:
        name, p = "tenants.json", self.problems
        ref = v.text(_text(item.get("slug")), "slug", v.ORG_REF, name, line, p, required=True)
        title = v.text(_text(item.get("name")), "name", v.ORG_NAME, name, line, p, required=True)
        country = self._custom(item, "country", name, line)
        language = self._custom(item, "language", name, line)
        email = self._custom(item, "email", name, line)
        row = (
            ref,
            title,
            None if country is ABSENT else v.country(country, "custom_fields.country", name, line, p),
            None if language is ABSENT else v.language(language, "custom_fields.language", name, line, p),
            None if email is ABSENT else v.email(email, "custom_fields.email", name, line, p),
            None,  # NetBox knows no residency policy: keep the customer's own (new ones: the default)
        )
        if ref:
            self.staging.add("customers", self._src[name], line, row)

    def _subject_categories(self, item: dict[str, Any], name: str, line: int) -> str | None:
        """GDPR Art. 33(3)(a): the device's or VM's custom field ``subject_categories`` (text with ';', or a
        multiple-selection list); None when the field does not exist."""
        fields = item.get("custom_fields")
        if not isinstance(fields, dict) or "subject_categories" not in fields:
            return None
        value = fields["subject_categories"]
        if isinstance(value, list) and all(isinstance(part, str) for part in value):
            value = ";".join(value)
        elif value is not None and not isinstance(value, str):
            self.problems.add(
                name, line, "custom_fields.subject_categories", f"expected text or a list, not {type(value).__name__}"
            )
            return None
        return v.category_list(
            value or "",
            "custom_fields.subject_categories",
            v.SUBJECT_CATEGORIES,
            name,
            line,
            self.problems,
            kind=v.SUBJECTS,
        )

    def _machine(self, name: str, line: int, item: dict[str, Any]) -> Machine:
        return Machine(
            line=line,
            id=_id(item) or 0,
            name=_text(item.get("name")),
            own_site=_text(_nested(item, "site").get("slug")),
            tenant=_text(_nested(item, "tenant").get("slug")),
            device_id=_id(_nested(item, "device")),
            device_name=_text(_nested(item, "device").get("name")),
            cluster_id=_id(_nested(item, "cluster")),
            subject_categories=self._subject_categories(item, name, line),
        )

    def _stage_machines(
        self,
        name: str,
        machines: list[Machine],
        *,
        kind: str,
        prefix: str,
        devices: dict[int, tuple[str, str]],
        clusters: dict[int, str],
    ) -> None:
        """Stage devices or VMs (``devices``: id → (ref, site) of the devices, for VMs).

        A VM goes under its device if it has one, else to its cluster's site when the cluster is
        scoped to a site, else to its own site. Its ref is its name when unique among the VMs, else
        ``name@site``; devices likewise among devices.
        """
        names = Counter(machine.name for machine in machines)
        src = self._src.get(name, 0)
        for m in machines:
            parent = devices[m.device_id][0] if m.device_id in devices else m.device_name
            scoped = clusters.get(m.cluster_id, "") if m.cluster_id is not None else ""
            site = "" if parent else scoped or m.own_site
            shown_site = m.own_site or scoped or (devices[m.device_id][1] if m.device_id in devices else "")
            if not m.name or (names[m.name] > 1 and not shown_site):
                ref = f"{prefix}-{m.id}"
            else:
                ref = m.name if names[m.name] == 1 else f"{m.name}@{shown_site}"
            ref = v.text(ref, "name", v.ASSET_REF, name, m.line, self.problems, required=True)
            if kind == AssetKind.HOST:
                devices[m.id] = (ref, m.own_site)
            self.staging.add("assets", src, m.line, (ref, kind, site, parent, None))
            if m.tenant:
                self.staging.add("placements", src, m.line, (m.tenant, ref, None, m.subject_categories, None, None))

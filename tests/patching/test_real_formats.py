"""The three package-list formats, from real material (docs/patching.md, "Package inventories of hosts"):
this machine's own installed packages (dpkg-query), written as a CycloneDX 1.6 SBOM by the reference
CycloneDX library (with Syft's deb purls) and as a Trivy report (Trivy's split of a Debian version into
epoch, version and release), imported for three hosts: each host then has the same source packages at
the same source versions as the dpkg-query list gives."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from art28.core.audit import SystemActor
from art28.patching.packages import packages_import
from tests.patching.fleet import RELEASE, import_hosts
from tests.patching.test_imports import installed

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")
DPKG_FORMAT = r"${db:Status-Abbrev}\t${Package}\t${Version}\t${source:Package}\t${source:Version}\t${Architecture}\n"


def this_machines_packages() -> list[tuple[str, str, str, str, str]]:
    """(binary, version, source, source version, architecture) of every installed package here."""
    output = subprocess.run(["dpkg-query", "-W", f"-f={DPKG_FORMAT}"], capture_output=True, text=True, check=True)
    rows = []
    for line in output.stdout.splitlines():
        status, binary, version, source, source_version, arch = line.split("\t")
        if status.startswith("ii"):
            rows.append((binary, version, source or binary, source_version or version, arch))
    return rows


def cyclonedx_sbom(rows: list[tuple[str, str, str, str, str]]) -> str:
    """As Syft writes a Debian image's SBOM: pkg:deb/debian/<binary>@<version>?arch=…&upstream=<source>,
    with ``@<source version>`` when it differs from the binary's."""
    bom = Bom()
    for binary, version, source, source_version, arch in rows:
        upstream = source if source_version == version else f"{source}@{source_version}"
        purl = PackageURL("deb", "debian", binary, version, {"arch": arch, "upstream": upstream})
        bom.components.add(
            Component(type=ComponentType.LIBRARY, name=binary, version=version, purl=purl, bom_ref=f"{binary}:{arch}")
        )
    return JsonV1Dot6(bom).output_as_string(indent=1)


def trivy_split(version: str) -> dict[str, object]:
    """Trivy's fields for a Debian version: the epoch apart, the revision (after the last '-') as Release."""
    epoch, _, rest = version.rpartition(":") if ":" in version else ("", "", version)
    upstream, hyphen, revision = rest.rpartition("-")
    if not hyphen:
        upstream, revision = rest, ""
    fields: dict[str, object] = {"Version": upstream, "Release": revision}
    if epoch:
        fields["Epoch"] = int(epoch)
    return fields


def trivy_report(rows: list[tuple[str, str, str, str, str]]) -> str:
    packages = []
    for binary, version, source, source_version, arch in rows:
        package: dict[str, object] = {"ID": f"{binary}@{version}", "Name": binary, "SrcName": source, "Arch": arch}
        package |= trivy_split(version)
        package |= {f"Src{key}": value for key, value in trivy_split(source_version).items()}
        packages.append(package)
    report = {"SchemaVersion": 2, "ArtifactType": "vm", "CreatedAt": "2026-12-01T03:00:00Z",
              "Results": [{"Target": "vm (debian 12.8)", "Class": "os-pkgs", "Type": "debian",
                           "Packages": packages}]}  # fmt: skip
    return json.dumps(report, indent=1)


@pytest.mark.parametrize("version", ["1:2.36-9+deb12u9", "2.36-9", "1.0", "2:1.0-a-3", "9.2p1-2+deb12u3"])
def test_the_trivy_split_joins_back_to_the_version(version):
    fields = trivy_split(version)
    joined = f"{fields['Version']}-{fields['Release']}" if fields["Release"] else str(fields["Version"])
    assert (f"{fields['Epoch']}:{joined}" if "Epoch" in fields else joined) == version


def test_this_machines_packages_read_alike_from_dpkg_query_cyclonedx_and_trivy(tmp_path: Path):
    rows = this_machines_packages()
    assert len(rows) > 100  # a real Debian system
    import_hosts(tmp_path, ["vm-dpkg", "vm-cdx", "vm-trivy"])
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "vm-dpkg.txt").write_text("".join(f"ii \t{b}\t{v}\t{s}\t{sv}\n" for b, v, s, sv, _a in rows))
    (lists / "vm-cdx.cdx.json").write_text(cyclonedx_sbom(rows))
    (lists / "vm-trivy.json").write_text(trivy_report(rows))
    packages_import(lists / "vm-dpkg.txt", actor=ACTOR, release=RELEASE)
    packages_import(lists / "vm-cdx.cdx.json", actor=ACTOR, release=RELEASE, format="cyclonedx")
    packages_import(lists / "vm-trivy.json", actor=ACTOR, release=RELEASE, format="trivy")

    from_dpkg = installed("vm-dpkg")
    assert len(from_dpkg) == len({source for _b, _v, source, _sv, _a in rows})
    assert installed("vm-cdx") == from_dpkg
    assert installed("vm-trivy") == from_dpkg
    # Each source at one of the source versions its binaries name (the lowest, when they differ).
    named: dict[str, set[str]] = {}
    for _binary, _version, source, source_version, _arch in rows:
        named.setdefault(source, set()).add(source_version)
    assert all(from_dpkg[source] in versions for source, versions in named.items())

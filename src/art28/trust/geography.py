"""The trust center's picture of where customer data is processed (S1, S4, S10): one panel per country,
with the provider's datacenters and the sub-processors working there, and the announced additions.

Switzerland first, then the EEA, then the countries with adequate protection under both laws (GDPR
Art. 45, DSV Annex 1), then the rest (where a transfer safeguard is needed: GDPR Art. 46, nFADP Art.
16(2); the US unless the recipient is certified under the Data Privacy Framework), then sites of
unknown country. A pure function of what the page already loaded: no
query. Shapes carry the meaning as well as colours (filled = datacenter, outlined = sub-processor,
dashed = announced), so the picture reads in black and white; every text is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from art28.core.adequacy import Law, decision_for, needs_safeguard
from art28.core.countries import EEA_COUNTRIES, country_name
from art28.core.svg import CHAR_WIDTH, shorten, svg_text
from art28.core.translated import localized
from art28.inventory.models import Site
from art28.subprocessors.models import Change, ChangeKind, SubProcessor

PANEL_W, PANEL_GAP, PER_ROW = 230, 14, 5
HEAD_H, CHIP_H, CHIP_GAP, PAD = 44, 30, 8, 10
HEAD_CHAR_W = 8.6  # an average bold 15px character
INK, MUTED, OK, OK_BG, WARN, WARN_BG, GREY_BG = (
    "#1d2430",
    "#5b6576",
    "#1f7a3d",
    "#e7f5ec",
    "#8a5a00",
    "#fff4dc",
    "#f3f4f6",
)


ADEQUATE, SAFEGUARD_NEEDED, UNKNOWN = 2, 3, 4


@dataclass
class Chip:
    label: str
    kind: str  # "site", "subprocessor" or "upcoming"
    tooltip: str


@dataclass
class Panel:
    country: str
    chips: list[Chip] = field(default_factory=list)

    @property
    def group(self) -> int:
        """0 Switzerland, 1 the EEA, 2 adequate under both laws, 3 a safeguard is needed, 4 unknown."""
        if not self.country:
            return UNKNOWN
        if self.country == "CH":
            return 0
        if self.country in EEA_COUNTRIES:
            return 1
        return SAFEGUARD_NEEDED if needs_safeguard(self.country, on=timezone.localdate()) else ADEQUATE

    @property
    def certification_may_cover(self) -> bool:
        """A Data Privacy Framework certification of the recipient may replace the safeguard (the US)."""
        today = timezone.localdate()
        return any((d := decision_for(law, self.country, today)) and d.certification for law in Law)


def panels(sites: Iterable[Site], subprocessors: Iterable[SubProcessor], upcoming: Iterable[Change]) -> list[Panel]:
    by_country: dict[str, Panel] = {}

    def panel(country: str) -> Panel:
        return by_country.setdefault(country, Panel(country))

    for site in sites:
        where = ", ".join(part for part in (site.code, site.city) if part)
        panel(site.country or "").chips.append(Chip(where, "site", _("Datacenter %(site)s") % {"site": where}))
    for sp in subprocessors:
        for country in sp.country_list:
            tooltip = _("Sub-processor %(name)s: %(purpose)s") % {
                "name": sp.legal_name,
                "purpose": localized(sp, "purpose").text,
            }
            panel(country).chips.append(Chip(sp.legal_name, "subprocessor", tooltip))
    for change in upcoming:
        if change.kind == ChangeKind.REMOVAL or change.effective_on is None:
            continue
        when = date_format(change.effective_on)
        for country in change.subprocessor.country_list:
            tooltip = _("Announced: %(name)s from %(date)s") % {"name": change.subprocessor.legal_name, "date": when}
            panel(country).chips.append(Chip(change.subprocessor.legal_name, "upcoming", tooltip))
    return sorted(by_country.values(), key=lambda p: (p.group, p.country))


def _text(x: float, y: float, text: str, *, fill: str = INK, **attrs: str | float) -> str:
    return svg_text(x, y, text, fill=fill, **attrs)


def _panel_svg(panel: Panel, x: float, y: float, height: float) -> str:
    if panel.group == UNKNOWN:
        title, note, fill, stroke = _("Country unknown"), "", GREY_BG, MUTED
    else:
        title = f"{country_name(panel.country)} ({panel.country})"
        note = {
            ADEQUATE: _("adequate protection"),
            SAFEGUARD_NEEDED: _("safeguard or certification needed")
            if panel.certification_may_cover
            else _("safeguard needed"),
        }.get(panel.group, "")
        fill, stroke = (WARN_BG, WARN) if panel.group == SAFEGUARD_NEEDED else (OK_BG, OK)
    parts = [
        f'<g><rect x="{x:.0f}" y="{y:.0f}" width="{PANEL_W}" height="{height:.0f}" rx="8" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="1.5"/>',
        _text(x + PAD, y + 20, shorten(title, PANEL_W - 2 * PAD, HEAD_CHAR_W), font_weight="600", font_size="15"),
    ]
    if note:
        parts.append(_text(x + PAD, y + 36, note, font_size="11", fill=WARN if panel.group == SAFEGUARD_NEEDED else OK))
    chip_y = y + HEAD_H
    for chip in panel.chips:
        dashed = ' stroke-dasharray="5 3"' if chip.kind == "upcoming" else ""
        chip_fill, chip_ink = (INK, "#ffffff") if chip.kind == "site" else ("#ffffff", INK)
        parts.append(
            f'<g><title>{escape(chip.tooltip)}</title><rect x="{x + PAD:.0f}" y="{chip_y:.0f}" '
            f'width="{PANEL_W - 2 * PAD}" height="{CHIP_H}" rx="5" fill="{chip_fill}" stroke="{INK}"{dashed}/>'
            + _text(x + 2 * PAD, chip_y + 20, shorten(chip.label, PANEL_W - 4 * PAD), fill=chip_ink, font_size="13")
            + "</g>"
        )
        chip_y += CHIP_H + CHIP_GAP
    parts.append("</g>")
    return "".join(parts)


def _legend_svg(y: float) -> str:
    items = [(_("datacenter"), INK, ""), (_("sub-processor"), "#ffffff", ""), (_("announced"), "#ffffff", "5 3")]
    parts, x = [], 0.0
    for label, fill, dash in items:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="22" height="14" rx="3" fill="{fill}" stroke="{INK}"{dashed}/>'
        )
        parts.append(_text(x + 28, y + 12, label, font_size="12", fill=MUTED))
        x += 40 + CHAR_WIDTH * len(label)
    return "".join(parts)


def geography_svg(sites: Iterable[Site], subprocessors: Iterable[SubProcessor], upcoming: Iterable[Change]) -> str:
    """The SVG (already escaped, safe to mark safe), or "" when there is nothing to draw."""
    drawn = panels(sites, subprocessors, upcoming)
    if not drawn:
        return ""
    rows = [drawn[i : i + PER_ROW] for i in range(0, len(drawn), PER_ROW)]
    parts, y = [], 0.0
    for row in rows:
        height = HEAD_H + max(len(p.chips) for p in row) * (CHIP_H + CHIP_GAP) + PAD
        for index, panel in enumerate(row):
            parts.append(_panel_svg(panel, index * (PANEL_W + PANEL_GAP), y, height))
        y += height + PANEL_GAP
    parts.append(_legend_svg(y))
    width = min(len(drawn), PER_ROW) * (PANEL_W + PANEL_GAP) - PANEL_GAP
    width = max(width, 420)
    title = _("Where customer data is processed: datacenters and sub-processors by country")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {y + 20:.0f}" role="img" '
        f'aria-labelledby="geo-title" class="geography" font-family="system-ui, sans-serif" font-size="13">'
        f'<title id="geo-title">{escape(title)}</title>{"".join(parts)}</svg>'
    )


def geography(sites: Iterable[Site], subprocessors: Iterable[SubProcessor], upcoming: Iterable[Change]) -> SafeString:
    return mark_safe(geography_svg(sites, subprocessors, upcoming))  # noqa: S308 - every text is escaped above

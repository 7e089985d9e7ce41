"""Each law's own words for the data protection officer, the processor and the breach, in every catalogue.

nFADP Art. 10 calls the adviser a provider may appoint *Datenschutzberater/in*, *conseiller/conseillère à la
protection des données*, *consulente per la protezione dei dati*; GDPR Art. 37 calls the officer it requires
*Datenschutzbeauftragte/r*, *délégué(e) à la protection des données*, *responsabile della protezione dei dati*.
In German the processor is the *Auftragsbearbeiter* of nFADP Art. 9 but the *Auftragsverarbeiter* of GDPR
Art. 28, and a breach is a *Verletzung der Datensicherheit* (nFADP Art. 24) but a *Verletzung des Schutzes
personenbezogener Daten* (GDPR Art. 4(12), 33); French and Italian name the breach differently too.

Which law a string speaks of is read from its msgid: one citing only the GDPR uses the GDPR's terms; one
citing both laws names each law's term (or a wording true for both); one citing no law speaks for art28's
provider, a Swiss processor by default (ART28_PROVIDER_COUNTRY=CH), and uses the Swiss terms. No hybrid:
never the Swiss contract name with the GDPR's German abbreviation, "Auftragsbearbeitungsvertrag (AVV)".

Every check reads the compiled catalogues through Django's translation machinery, so a term flipped in a
.po (and compiled) fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.utils import translation

from art28.core.roles import Role
from tests.i18n.catalogues import LANGUAGES, Entry, messages, po_path, read_po

each_language = pytest.mark.parametrize("language", LANGUAGES)

CITES_GDPR = re.compile(r"\bGDPR\b|General Data Protection Regulation")
CITES_SWISS_LAW = re.compile(r"\bn?FADP\b|\bDSV\b|\bDSG\b|\bnLPD\b|\bSwiss\b")

# nFADP Art. 10 and GDPR Art. 37: the officer's title, as each law's text in that language has it.
SWISS_DPO = {
    "de": re.compile(r"Datenschutzberater", re.IGNORECASE),
    "fr": re.compile(r"conseill(?:er|ère) à la protection des données", re.IGNORECASE),
    "it": re.compile(r"consulente per la protezione dei dati", re.IGNORECASE),
}
GDPR_DPO = {
    "de": re.compile(r"Datenschutzbeauftragte", re.IGNORECASE),
    "fr": re.compile(r"délégué", re.IGNORECASE),  # délégué(e), déléguée
    "it": re.compile(r"responsabile della protezione dei dati", re.IGNORECASE),
}
# German processor: nFADP Art. 9 / GDPR Art. 28 (sub-processors and the contract included).
SWISS_PROCESSOR_DE = re.compile(r"auftragsbearbeiter|-bearbeiter", re.IGNORECASE)
GDPR_PROCESSOR_DE = re.compile(r"auftragsverarbeit", re.IGNORECASE)
# nFADP Art. 24 / GDPR Art. 4(12) and 33: the breach.
SWISS_BREACH = {
    "de": re.compile(r"Verletzung(?:en)? der Datensicherheit"),
    "fr": re.compile(r"violations? de la sécurité des données", re.IGNORECASE),
    "it": re.compile(r"violazion[ei] della sicurezza dei dati", re.IGNORECASE),
}
GDPR_BREACH = {
    "de": re.compile(r"Verletzung(?:en)? des Schutzes personenbezogener Daten"),
    "fr": re.compile(r"violations? de données à caractère personnel", re.IGNORECASE),
    "it": re.compile(r"violazion[ei] dei dati personali", re.IGNORECASE),
}


def law(entry: Entry) -> str:
    """``gdpr``, ``swiss``, ``both`` or ``none``: the laws the English source string cites."""
    text = entry.msgid + (entry.msgid_plural or "")
    gdpr, swiss = bool(CITES_GDPR.search(text)), bool(CITES_SWISS_LAW.search(text))
    return {(True, True): "both", (True, False): "gdpr", (False, True): "swiss", (False, False): "none"}[gdpr, swiss]


def translated(entry: Entry, language: str) -> list[str]:
    """What Django shows for this entry in ``language``: every plural form, from the compiled .mo."""
    with translation.override(language):
        if entry.msgid_plural is None:
            return [translation.gettext(entry.msgid)]
        return [translation.ngettext(entry.msgid, entry.msgid_plural, count) for count in (1, 2)]


def catalogue(language: str) -> list[tuple[Entry, str]]:
    """Each live entry of the language's catalogue with its compiled translation (plural forms joined)."""
    return [(entry, "\n".join(translated(entry, language))) for entry in messages(read_po(po_path(language)))]


def entry_starting(language: str, prefix: str) -> Entry:
    (entry,) = [entry for entry in messages(read_po(po_path(language))) if entry.msgid.startswith(prefix)]
    return entry


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


# --- The rule on examples ------------------------------------------------------------------------------------


@each_language
def test_the_dpo_role_and_the_trust_centers_dpo_heading_use_the_swiss_title(language):
    """No law cited: the Swiss provider's adviser, nFADP Art. 10 — not the GDPR Art. 37 officer."""
    with translation.override(language):
        role = str(Role.DPO.label)
    heading = in_language(language, "Data protection officer")  # trust/templates/trust/index.html
    contact = in_language(language, "Our data protection officer: %(email)s")  # breach and change notices
    for text in (role, heading, contact):
        assert SWISS_DPO[language].search(text), text
        assert not GDPR_DPO[language].search(text), text


@each_language
def test_a_gdpr_citing_string_uses_the_gdpr_officer_and_breach(language):
    """GDPR Art. 28(3)(e) and Art. 33(1) cited alone: Art. 37's officer and the Art. 4(12) breach."""
    forwarded = translated(entry_starting(language, "A person wrote to the data protection officer of"), language)[0]
    assert GDPR_DPO[language].search(forwarded), forwarded
    assert not SWISS_DPO[language].search(forwarded), forwarded
    art_33 = translated(entry_starting(language, "GDPR Art. 33(1): a controller notifies"), language)[0]
    assert GDPR_BREACH[language].search(art_33), art_33
    assert not SWISS_BREACH[language].search(art_33), art_33


@each_language
def test_a_swiss_citing_string_uses_the_swiss_breach(language):
    """nFADP Art. 24(1) cited alone: the *Verletzung der Datensicherheit* and its equivalents."""
    art_24 = translated(entry_starting(language, "Swiss nFADP Art. 24(1): a controller reports"), language)[0]
    assert SWISS_BREACH[language].search(art_24), art_24
    assert not GDPR_BREACH[language].search(art_24), art_24


def test_german_names_the_gdpr_processor_and_contract_where_only_the_gdpr_is_cited():
    """GDPR Art. 28: *Auftragsverarbeiter*; the contract *Auftragsverarbeitungsvertrag (AVV)*."""
    annex = translated(entry_starting("de", "Annex 2 — Sub-processors (GDPR Art. 28(2) and (4))"), "de")[0]
    assert "Unterauftragsverarbeiter" in annex and "bearbeiter" not in annex
    countersign = translated(entry_starting("de", "By countersigning you accept"), "de")[0]
    assert "Auftragsverarbeitungsvertrag (AVV)" in countersign


def test_german_names_the_swiss_processor_and_contract_where_no_law_is_cited():
    """nFADP Art. 9: *Auftragsbearbeiter*; the contract *Auftragsbearbeitungsvertrag*, not the GDPR's AVV."""
    assert in_language("de", "Processor") == "Auftragsbearbeiter"
    assert in_language("de", "Sub-processors") == "Unterauftragsbearbeiter"
    assert in_language("de", "Data processing agreement") == "Auftragsbearbeitungsvertrag"
    assert in_language("de", "DPA") == "Auftragsbearbeitungsvertrag"


def test_german_names_both_processors_where_both_laws_are_cited():
    """GDPR Art. 28 and nFADP Art. 9 side by side: each law's processor, in the order they are cited."""
    text = translated(entry_starting("de", "Distinguish the security of the infrastructure"), "de")[0]
    assert "Ihr Auftragsverarbeiter bzw. Auftragsbearbeiter (Art. 28 DSGVO, Art. 9 DSG)" in text


# --- The rule on every entry ---------------------------------------------------------------------------------

# (language, term, the laws an entry must cite for the term to appear in its translation, why)
ONLY_WHERE: list[tuple[str, re.Pattern[str], set[str], str]] = [
    ("de", GDPR_PROCESSOR_DE, {"gdpr", "both"}, "GDPR Art. 28's Auftragsverarbeiter"),
    ("de", SWISS_PROCESSOR_DE, {"swiss", "both", "none"}, "nFADP Art. 9's Auftragsbearbeiter"),
    ("de", re.compile(r"\bAVV\b"), {"gdpr", "both"}, "the GDPR contract's abbreviation AVV"),
    ("de", re.compile(r"\bDSB\b"), {"gdpr", "both"}, "the GDPR officer's abbreviation DSB"),
    ("fr", re.compile(r"\bDPD\b"), {"gdpr", "both"}, "the GDPR officer's abbreviation DPD"),
    # A hybrid of neither law: the nLPD says "sécurité des données", the RGPD "à caractère personnel".
    ("fr", re.compile(r"violations? de données personnelles", re.IGNORECASE), set(), "a breach named by neither law"),
]
for language in LANGUAGES:
    ONLY_WHERE += [
        (language, GDPR_DPO[language], {"gdpr", "both"}, "GDPR Art. 37's data protection officer"),
        (language, SWISS_DPO[language], {"swiss", "both", "none"}, "nFADP Art. 10's adviser"),
        (language, GDPR_BREACH[language], {"gdpr", "both"}, "the GDPR's personal data breach"),
        (language, SWISS_BREACH[language], {"swiss", "both", "none"}, "nFADP Art. 24's data security breach"),
    ]


@pytest.mark.parametrize(
    ("language", "term", "laws", "why"), ONLY_WHERE, ids=[f"{rule[0]}-{rule[3]}" for rule in ONLY_WHERE]
)
def test_each_laws_term_appears_only_where_its_law_is_cited(language, term, laws, why):
    misplaced = [
        f"{law(entry)}: {entry.msgid[:90]!r} -> {text[:160]!r}"
        for entry, text in catalogue(language)
        if term.search(text) and law(entry) not in laws
    ]
    assert not misplaced, f"{why} ({term.pattern}) outside its law's strings: {misplaced}"


def test_no_german_string_pairs_the_swiss_contract_with_the_gdpr_abbreviation():
    """ "Auftragsbearbeitungsvertrag (AVV)" mixes nFADP Art. 9's noun with the GDPR's German abbreviation."""
    hybrids = [entry.msgid for entry, text in catalogue("de") if "Auftragsbearbeitungsvertrag (AVV)" in text]
    assert not hybrids


NAMES_THE_DPO = re.compile(r"\bDPO\b|data protection officer", re.IGNORECASE)


@each_language
def test_every_string_about_the_dpo_names_the_title_of_its_law(language):
    """GDPR alone: Art. 37's officer; otherwise the Swiss provider's nFADP Art. 10 adviser, never an abbreviation."""
    wrong = []
    for entry, text in catalogue(language):
        if not NAMES_THE_DPO.search(entry.msgid + (entry.msgid_plural or "")):
            continue
        expected = GDPR_DPO[language] if law(entry) == "gdpr" else SWISS_DPO[language]
        if not expected.search(text):
            wrong.append(f"{law(entry)}: {entry.msgid[:90]!r} -> {text[:160]!r}")
    assert not wrong, wrong


PROCESSOR_WORDS = re.compile(r"processor", re.IGNORECASE)
GERMAN_PROCESSOR: dict[str, Callable[[str], bool]] = {
    "gdpr": lambda text: bool(GDPR_PROCESSOR_DE.search(text)) and not SWISS_PROCESSOR_DE.search(text),
    "both": lambda text: bool(GDPR_PROCESSOR_DE.search(text)) and bool(SWISS_PROCESSOR_DE.search(text)),
    "swiss": lambda text: bool(SWISS_PROCESSOR_DE.search(text)) and not GDPR_PROCESSOR_DE.search(text),
    "none": lambda text: bool(SWISS_PROCESSOR_DE.search(text)) and not GDPR_PROCESSOR_DE.search(text),
}


def test_every_german_string_about_a_processor_names_the_processor_of_its_law():
    """GDPR Art. 28 alone: Auftragsverarbeiter; both laws: both nouns; otherwise nFADP Art. 9's Auftragsbearbeiter."""
    wrong = [
        f"{law(entry)}: {entry.msgid[:90]!r} -> {text[:160]!r}"
        for entry, text in catalogue("de")
        if PROCESSOR_WORDS.search(entry.msgid + (entry.msgid_plural or "")) and not GERMAN_PROCESSOR[law(entry)](text)
    ]
    assert not wrong, wrong

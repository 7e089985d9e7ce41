"""The demo's glossary of data categories: every category the demo stores, in French, German and Italian
(Swiss usage). "web logs" has no Italian term, so an Italian-speaking customer sees the English term marked
"not available in italiano"; the demo sub-processor Inboxly is entered with "email addresses", an alias
that the register stores as "e-mail addresses"."""

from __future__ import annotations

from art28.core.audit import Actor
from art28.core.glossary import data_category_create
from art28.core.models import CategoryKind, DataCategory

# (English term, {language: term}, aliases)
DATA: list[tuple[str, dict[str, str], str]] = [
    ("backup copies", {"fr": "copies de sauvegarde", "de": "Sicherungskopien", "it": "copie di sicurezza"}, "backups"),
    ("contact details", {"fr": "coordonnées", "de": "Kontaktdaten", "it": "dati di contatto"}, "contact data"),
    ("customer accounts", {"fr": "comptes clients", "de": "Kundenkonten", "it": "conti dei clienti"}, ""),
    ("documents", {"fr": "documents", "de": "Dokumente", "it": "documenti"}, ""),
    (
        "e-mail addresses",
        {"fr": "adresses e-mail", "de": "E-Mail-Adressen", "it": "indirizzi e-mail"},
        "email addresses;email address;e-mail address",
    ),
    ("e-mail content", {"fr": "contenu des e-mails", "de": "E-Mail-Inhalte", "it": "contenuto delle e-mail"}, ""),
    ("e-mail metadata", {"fr": "métadonnées des e-mails", "de": "E-Mail-Metadaten", "it": "metadati delle e-mail"}, ""),
    ("health data", {"fr": "données sur la santé", "de": "Gesundheitsdaten", "it": "dati sulla salute"}, ""),
    ("images", {"fr": "images", "de": "Bilder", "it": "immagini"}, ""),
    ("IP addresses", {"fr": "adresses IP", "de": "IP-Adressen", "it": "indirizzi IP"}, "IP address"),
    ("logs", {"fr": "journaux", "de": "Protokolle", "it": "file di log"}, ""),
    ("orders", {"fr": "commandes", "de": "Bestellungen", "it": "ordinazioni"}, ""),
    (
        "payment references",
        {"fr": "références de paiement", "de": "Zahlungsreferenzen", "it": "riferimenti di pagamento"},
        "",
    ),
    ("support requests", {"fr": "demandes d’assistance", "de": "Supportanfragen", "it": "richieste di assistenza"}, ""),
    # No Italian on purpose: the portal shows the English term with the "not available" marker.
    ("web logs", {"fr": "journaux du serveur web", "de": "Webserver-Protokolle"}, "web server logs"),
]
SUBJECTS: list[tuple[str, dict[str, str], str]] = [
    ("correspondents", {"fr": "correspondants", "de": "Korrespondenzpartner", "it": "corrispondenti"}, ""),
    ("customers", {"fr": "clients", "de": "Kundinnen und Kunden", "it": "clienti"}, ""),
    ("employees", {"fr": "collaborateurs", "de": "Mitarbeitende", "it": "collaboratori"}, "staff"),
    ("patients", {"fr": "patients", "de": "Patientinnen und Patienten", "it": "pazienti"}, ""),
    ("suppliers", {"fr": "fournisseurs", "de": "Lieferanten", "it": "fornitori"}, ""),
    (
        "website visitors",
        {
            "fr": "visiteurs du site web",
            "de": "Besucherinnen und Besucher der Website",
            "it": "visitatori del sito web",
        },
        "visitors",
    ),
]
WITHOUT_ITALIAN = "web logs"


def load_demo_glossary(actor: Actor) -> str:
    """Seed the glossary before the inventory is imported (so the import maps to it); once."""
    if DataCategory.objects.exists():
        return "glossary already there"
    for kind, entries in ((CategoryKind.DATA, DATA), (CategoryKind.SUBJECTS, SUBJECTS)):
        for name, translations, aliases in entries:
            data_category_create(actor=actor, kind=kind, name=name, name_i18n=translations, aliases=aliases)
    return f"glossary: {len(DATA)} data categories, {len(SUBJECTS)} categories of data subjects"

"""French, German and Italian texts of the demo measures, matrix lines and services (content in four
languages: art28.core.translated). Swiss usage: German without ß, the Swiss legal terms."""

from __future__ import annotations

# measure ref -> field -> {language: text}
MEASURES_I18N: dict[str, dict[str, dict[str, str]]] = {
    "tom-a-disk-encryption": {
        "title": {
            "fr": "Chiffrement des volumes au repos",
            "de": "Verschlüsselung der Datenträger im Ruhezustand",
            "it": "Cifratura dei volumi a riposo",
        },
        "description": {
            "fr": "LUKS2 (AES-256-XTS) sur chaque volume des clients ; les clés sont dans la grappe HSM, jamais sur "
            "l’hôte.",
            "de": "LUKS2 (AES-256-XTS) auf jedem Kundenvolume; die Schlüssel liegen im HSM-Cluster, nie auf dem Host.",
            "it": "LUKS2 (AES-256-XTS) su ogni volume dei clienti; le chiavi sono nel cluster HSM, mai sull’host.",
        },
    },
    "tom-a-tls": {
        "title": {
            "fr": "Chiffrement en transit",
            "de": "Verschlüsselung bei der Übermittlung",
            "it": "Cifratura in transito",
        },
        "description": {
            "fr": "TLS 1.2 ou plus sur chaque point d’accès public et entre les sites ; certificats renouvelés "
            "automatiquement.",
            "de": "TLS 1.2 oder höher auf jedem öffentlichen Endpunkt und zwischen den Standorten; Zertifikate werden "
            "automatisch erneuert.",
            "it": "TLS 1.2 o superiore su ogni endpoint pubblico e tra le sedi; certificati rinnovati automaticamente.",
        },
    },
    "tom-a-backup-encryption": {
        "title": {
            "fr": "Sauvegardes chiffrées",
            "de": "Verschlüsselte Sicherungen",
            "it": "Backup cifrati",
        },
        "description": {
            "fr": "Les jeux de sauvegarde sont chiffrés avant de quitter l’hôte ; les clés de restauration sont "
            "détenues par l’exploitation.",
            "de": "Sicherungssätze werden verschlüsselt, bevor sie den Host verlassen; die Schlüssel für die "
            "Wiederherstellung verwaltet der Betrieb.",
            "it": "I set di backup sono cifrati prima di lasciare l’host; le chiavi di ripristino sono custodite "
            "dall’esercizio.",
        },
    },
    "tom-b-access-control": {
        "title": {
            "fr": "Accès du personnel selon le moindre privilège",
            "de": "Zugriff des Personals nach dem Prinzip der minimalen Rechte",
            "it": "Accesso del personale secondo il privilegio minimo",
        },
        "description": {
            "fr": "Comptes nominatifs avec authentification multifacteur, accès par rôle, revue trimestrielle des "
            "droits.",
            "de": "Persönliche Konten mit Mehrfaktor-Authentisierung, Zugriff nach Rolle, vierteljährliche "
            "Überprüfung der Rechte.",
            "it": "Account nominativi con autenticazione a più fattori, accesso per ruolo, verifica trimestrale dei "
            "diritti.",
        },
    },
    "tom-b-tenant-isolation": {
        "title": {
            "fr": "Isolation des clients",
            "de": "Trennung der Kunden",
            "it": "Isolamento dei clienti",
        },
        "description": {
            "fr": "Un VLAN par client et isolation par l’hyperviseur ; tests automatisés entre clients chaque nuit.",
            "de": "Ein VLAN pro Kunde und Isolation durch den Hypervisor; automatisierte Tests zwischen Kunden "
            "jede Nacht.",
            "it": "Una VLAN per cliente e isolamento tramite l’hypervisor; test automatici tra clienti ogni notte.",
        },
    },
    "tom-b-physical-access": {
        "title": {
            "fr": "Contrôle de l’accès physique",
            "de": "Kontrolle des physischen Zutritts",
            "it": "Controllo dell’accesso fisico",
        },
        "description": {
            "fr": "Badge et code PIN aux centres de données de Genève et de Zurich ; visiteurs accompagnés et "
            "enregistrés.",
            "de": "Badge und PIN in den Rechenzentren Genf und Zürich; Besucher werden begleitet und erfasst.",
            "it": "Badge e PIN nei centri di calcolo di Ginevra e Zurigo; visitatori accompagnati e registrati.",
        },
    },
    "tom-b-mail-filtering": {
        "title": {
            "fr": "Filtrage du courrier électronique",
            "de": "E-Mail-Filterung",
            "it": "Filtraggio della posta elettronica",
        },
        "description": {
            "fr": "Filtrage des logiciels malveillants et de l’hameçonnage à l’entrée ; limites d’envoi contre les "
            "abus à la sortie.",
            "de": "Filterung von Schadsoftware und Phishing beim Empfang; Versandlimiten gegen Missbrauch.",
            "it": "Filtraggio di malware e phishing in entrata; limiti di invio contro gli abusi in uscita.",
        },
    },
    "tom-c-backups": {
        "title": {
            "fr": "Sauvegardes quotidiennes avec copie externe",
            "de": "Tägliche Sicherungen mit externer Kopie",
            "it": "Backup giornalieri con copia esterna",
        },
        "description": {
            "fr": "Sauvegardes nocturnes conservées 30 jours, copiées sur le second site suisse.",
            "de": "Nächtliche Sicherungen, 30 Tage aufbewahrt und auf den zweiten Schweizer Standort kopiert.",
            "it": "Backup notturni conservati 30 giorni, copiati nella seconda sede svizzera.",
        },
    },
    "tom-c-restore-drill": {
        "title": {
            "fr": "Exercices de restauration",
            "de": "Wiederherstellungsübungen",
            "it": "Esercitazioni di ripristino",
        },
        "description": {
            "fr": "Chaque trimestre, restauration d’un échantillon de données de clients, chronométrée par rapport "
            "au RTO.",
            "de": "Jedes Quartal die Wiederherstellung einer Stichprobe von Kundendaten, gemessen am RTO.",
            "it": "Ogni trimestre il ripristino di un campione di dati dei clienti, cronometrato rispetto all’RTO.",
        },
    },
    "tom-c-dr-plan": {
        "title": {
            "fr": "Plan de reprise après sinistre",
            "de": "Notfallwiederherstellungsplan",
            "it": "Piano di ripristino in caso di disastro",
        },
        "description": {
            "fr": "Bascule de chaque service sur le second site suisse, exercée chaque année.",
            "de": "Umschaltung jedes Dienstes auf den zweiten Schweizer Standort, jährlich geübt.",
            "it": "Commutazione di ogni servizio sulla seconda sede svizzera, provata ogni anno.",
        },
    },
    "tom-d-pentest": {
        "title": {
            "fr": "Test d’intrusion annuel",
            "de": "Jährlicher Penetrationstest",
            "it": "Test di intrusione annuale",
        },
        "description": {
            "fr": "Un test d’intrusion externe de chaque service chaque année ; les constats sont suivis jusqu’à "
            "leur correction.",
            "de": "Jedes Jahr ein externer Penetrationstest jedes Dienstes; die Befunde werden bis zur Behebung "
            "verfolgt.",
            "it": "Ogni anno un test di intrusione esterno di ogni servizio; i rilievi sono seguiti fino alla "
            "chiusura.",
        },
    },
    "tom-d-patching": {
        "title": {
            "fr": "Revue des mises à jour de sécurité",
            "de": "Überprüfung der Sicherheitsupdates",
            "it": "Verifica degli aggiornamenti di sicurezza",
        },
        "description": {
            "fr": "Délai de correction par gravité mesuré chaque mois par rapport aux niveaux de service.",
            "de": "Die Zeit bis zum Patch wird je nach Schweregrad monatlich an den Service Levels gemessen.",
            "it": "Il tempo di correzione per gravità è misurato ogni mese rispetto ai livelli di servizio.",
        },
    },
}

# matrix topic (English) -> field -> {language: text}
MATRIX_I18N: dict[str, dict[str, dict[str, str]]] = {
    "Content and lawfulness": {
        "topic": {"fr": "Contenu et licéité", "de": "Inhalt und Rechtmässigkeit", "it": "Contenuto e liceità"},
        "customer_part": {
            "fr": "Ce que vous stockez et traitez, sa base légale et l’information de vos personnes concernées.",
            "de": "Was Sie speichern und bearbeiten, die Rechtsgrundlage dafür und die Information Ihrer betroffenen "
            "Personen.",
            "it": "Ciò che conservate e trattate, la sua base giuridica e l’informazione delle vostre persone "
            "interessate.",
        },
        "provider_part": {
            "fr": "Traitement uniquement sur vos instructions documentées (art. 28, par. 3, let. a, RGPD).",
            "de": "Bearbeitung nur auf Ihre dokumentierte Weisung (Art. 28 Abs. 3 Bst. a DSGVO).",
            "it": "Trattamento solo su vostra istruzione documentata (art. 28 par. 3 lett. a RGPD).",
        },
    },
    "Data subject requests": {
        "topic": {
            "fr": "Demandes des personnes concernées",
            "de": "Begehren betroffener Personen",
            "it": "Richieste delle persone interessate",
        },
        "customer_part": {
            "fr": "Répondre à vos personnes concernées dans le délai légal.",
            "de": "Ihren betroffenen Personen innert der gesetzlichen Frist antworten.",
            "it": "Rispondere alle vostre persone interessate entro il termine legale.",
        },
        "provider_part": {
            "fr": "Vous transmettre les demandes que nous recevons et vous aider à y répondre (art. 28, par. 3, "
            "let. e, RGPD).",
            "de": "Bei uns eingehende Begehren an Sie weiterleiten und Sie bei der Antwort unterstützen (Art. 28 "
            "Abs. 3 Bst. e DSGVO).",
            "it": "Inoltrarvi le richieste che riceviamo e aiutarvi a rispondere (art. 28 par. 3 lett. e RGPD).",
        },
    },
    "Breaches": {
        "topic": {"fr": "Violations", "de": "Verletzungen", "it": "Violazioni"},
        "customer_part": {
            "fr": "Décider s’il faut notifier l’autorité et vos personnes concernées.",
            "de": "Entscheiden, ob die Behörde und Ihre betroffenen Personen zu informieren sind.",
            "it": "Decidere se notificare l’autorità e le vostre persone interessate.",
        },
        "provider_part": {
            "fr": "Vous informer dans les meilleurs délais, avec les informations de l’art. 33, par. 3, RGPD "
            "(art. 33, par. 2).",
            "de": "Sie unverzüglich informieren, mit den Angaben nach Art. 33 Abs. 3 DSGVO (Art. 33 Abs. 2).",
            "it": "Informarvi senza ingiustificato ritardo, con le informazioni dell’art. 33 par. 3 RGPD "
            "(art. 33 par. 2).",
        },
    },
    "Application security": {
        "topic": {
            "fr": "Sécurité des applications",
            "de": "Anwendungssicherheit",
            "it": "Sicurezza delle applicazioni",
        },
        "customer_part": {
            "fr": "Tenir à jour votre CMS, ses extensions et votre code.",
            "de": "Ihr CMS, dessen Plugins und Ihren Code aktuell halten.",
            "it": "Mantenere aggiornati il vostro CMS, i suoi plugin e il vostro codice.",
        },
        "provider_part": {
            "fr": "Corriger le système d’exploitation, le serveur web et les environnements PHP.",
            "de": "Betriebssystem, Webserver und PHP-Laufzeitumgebungen patchen.",
            "it": "Aggiornare il sistema operativo, il server web e gli ambienti PHP.",
        },
    },
    "Server administration": {
        "topic": {
            "fr": "Administration des serveurs",
            "de": "Serveradministration",
            "it": "Amministrazione dei server",
        },
        "customer_part": {
            "fr": "Le système d’exploitation et tout ce qui est installé sur vos serveurs.",
            "de": "Das Betriebssystem und alles, was auf Ihren Servern installiert ist.",
            "it": "Il sistema operativo e tutto ciò che è installato sui vostri server.",
        },
        "provider_part": {
            "fr": "L’hyperviseur, le réseau et les hôtes physiques.",
            "de": "Der Hypervisor, das Netzwerk und die physischen Hosts.",
            "it": "L’hypervisor, la rete e gli host fisici.",
        },
    },
    "Database access": {
        "topic": {
            "fr": "Accès aux bases de données",
            "de": "Datenbankzugriff",
            "it": "Accesso alle banche dati",
        },
        "customer_part": {
            "fr": "Les utilisateurs de la base, leurs mots de passe et les requêtes que vous exécutez.",
            "de": "Die Datenbankbenutzer, ihre Passwörter und die Abfragen, die Sie ausführen.",
            "it": "Gli utenti della banca dati, le loro password e le interrogazioni che eseguite.",
        },
        "provider_part": {
            "fr": "Mises à jour du moteur, réplication et stockage chiffré.",
            "de": "Aktualisierungen der Datenbank-Engine, Replikation und verschlüsselte Speicherung.",
            "it": "Aggiornamenti del motore, replica e archiviazione cifrata.",
        },
    },
    "Mailbox security": {
        "topic": {
            "fr": "Sécurité des boîtes aux lettres",
            "de": "Sicherheit der Postfächer",
            "it": "Sicurezza delle caselle di posta",
        },
        "customer_part": {
            "fr": "Des mots de passe robustes et le choix de qui reçoit une boîte aux lettres.",
            "de": "Starke Passwörter und wer ein Postfach erhält.",
            "it": "Password robuste e chi riceve una casella di posta.",
        },
        "provider_part": {
            "fr": "Filtrage, chiffrement en transit et limitation des tentatives de connexion.",
            "de": "Filterung, Verschlüsselung bei der Übermittlung und Begrenzung der Anmeldeversuche.",
            "it": "Filtraggio, cifratura in transito e limitazione dei tentativi di accesso.",
        },
    },
    "Backups and restores": {
        "topic": {
            "fr": "Sauvegardes et restaurations",
            "de": "Sicherungen und Wiederherstellungen",
            "it": "Backup e ripristini",
        },
        "customer_part": {
            "fr": "Choisir ce qui est sauvegardé et demander les restaurations.",
            "de": "Auswählen, was gesichert wird, und Wiederherstellungen anfordern.",
            "it": "Scegliere cosa salvare e chiedere i ripristini.",
        },
        "provider_part": {
            "fr": "Effectuer les sauvegardes, les conserver chiffrées et restaurer sur demande.",
            "de": "Die Sicherungen durchführen, verschlüsselt aufbewahren und auf Anfrage wiederherstellen.",
            "it": "Eseguire i backup, conservarli cifrati e ripristinare su richiesta.",
        },
    },
}

# service name (English, its key) -> field -> {language: text}; the English description is "description".
SERVICES_I18N: dict[str, dict[str, object]] = {
    "Web hosting": {
        "name": {"fr": "Hébergement web", "de": "Webhosting", "it": "Hosting web"},
        "description": "Shared hosting of websites with PHP, databases and TLS certificates.",
        "description_i18n": {
            "fr": "Hébergement mutualisé de sites web avec PHP, bases de données et certificats TLS.",
            "de": "Shared Hosting von Websites mit PHP, Datenbanken und TLS-Zertifikaten.",
            "it": "Hosting condiviso di siti web con PHP, banche dati e certificati TLS.",
        },
    },
    "Cloud servers": {
        "name": {"fr": "Serveurs cloud", "de": "Cloud-Server", "it": "Server cloud"},
        "description": "Virtual machines the customer administers, in the Swiss datacentres.",
        "description_i18n": {
            "fr": "Machines virtuelles administrées par le client, dans les centres de données suisses.",
            "de": "Virtuelle Maschinen, die der Kunde selbst verwaltet, in den Schweizer Rechenzentren.",
            "it": "Macchine virtuali amministrate dal cliente, nei centri di calcolo svizzeri.",
        },
    },
    "Managed databases": {
        "name": {"fr": "Bases de données gérées", "de": "Verwaltete Datenbanken", "it": "Banche dati gestite"},
        "description": "PostgreSQL and MariaDB run by the provider, replicated and backed up.",
        "description_i18n": {
            "fr": "PostgreSQL et MariaDB exploités par le fournisseur, répliqués et sauvegardés.",
            "de": "PostgreSQL und MariaDB, vom Anbieter betrieben, repliziert und gesichert.",
            "it": "PostgreSQL e MariaDB gestiti dal fornitore, replicati e salvati.",
        },
    },
    "Mail": {
        "name": {"fr": "Messagerie", "de": "E-Mail", "it": "Posta elettronica"},
        "description": "Mailboxes, webmail and the sending of the customers' e-mail.",
        "description_i18n": {
            "fr": "Boîtes aux lettres, webmail et envoi des e-mails des clients.",
            "de": "Postfächer, Webmail und der Versand der E-Mails der Kunden.",
            "it": "Caselle di posta, webmail e invio delle e-mail dei clienti.",
        },
    },
    "Object storage": {
        "name": {"fr": "Stockage objet", "de": "Objektspeicher", "it": "Archiviazione a oggetti"},
        "description": "S3-compatible buckets in the Swiss datacentres.",
        "description_i18n": {
            "fr": "Buckets compatibles S3 dans les centres de données suisses.",
            "de": "S3-kompatible Buckets in den Schweizer Rechenzentren.",
            "it": "Bucket compatibili S3 nei centri di calcolo svizzeri.",
        },
    },
    "Backup": {
        "name": {"fr": "Sauvegarde", "de": "Datensicherung", "it": "Backup"},
        "description": "Encrypted backup copies of the customers' data, kept in Switzerland and Frankfurt.",
        "description_i18n": {
            "fr": "Copies de sauvegarde chiffrées des données des clients, conservées en Suisse et à Francfort.",
            "de": "Verschlüsselte Sicherungskopien der Kundendaten, aufbewahrt in der Schweiz und in Frankfurt.",
            "it": "Copie di backup cifrate dei dati dei clienti, conservate in Svizzera e a Francoforte.",
        },
    },
}

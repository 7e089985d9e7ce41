"""Settings, all from the environment (12-factor). See README.md, "Configuration", and docs/deploy.md.

Fail safe: with DEBUG off (production) art28 refuses to start without its own SECRET_KEY and public
ART28_BASE_URL, and an https base URL turns on secure cookies, HSTS and the redirect to https. Importing
this module reads the environment only: it writes no file and creates no directory.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from art28.formats import module_path as format_module_path

SOURCE_DIR = Path(__file__).resolve().parent
env = environ.Env()

# Where art28 keeps its own files (the SQLite database, the signing key) unless told otherwise; created
# at start-up (art28.core.apps), never by importing the settings.
DATA_DIR = Path(env.str("ART28_DATA_DIR", default=str(Path.cwd() / "var")))

DEBUG = env.bool("ART28_DEBUG", default=False)
DEVELOPMENT_SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"  # noqa: S105 (DEBUG only)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    # One key for every host and process: links and tokens signed on one are checked on another.
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. In production set it to the same long random value on every host "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))'; see docs/deploy.md); "
        "for development, set ART28_DEBUG=1 or use `make demo` / `make test`."
    )

# Public base URL, for links in e-mails (acknowledgement links, the portal) and the trust center.
ART28_BASE_URL = env.str("ART28_BASE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
if not ART28_BASE_URL:
    raise ImproperlyConfigured(
        "ART28_BASE_URL is not set. In production set it to the public address art28 is served at, "
        "e.g. https://art28.example-hosting.ch (links in e-mails, the portal and the trust center use it); "
        "for development, set ART28_DEBUG=1 or use `make demo` / `make test`."
    )
_base = urlsplit(ART28_BASE_URL)
if _base.scheme not in ("http", "https") or not _base.hostname:
    raise ImproperlyConfigured(f"ART28_BASE_URL must be an http(s) URL with a host name, not {ART28_BASE_URL!r}.")
SERVED_OVER_HTTPS = _base.scheme == "https"

ALLOWED_HOSTS = env.list(
    "ART28_ALLOWED_HOSTS", default=sorted({_base.hostname, "127.0.0.1", "localhost", "testserver"})
)
CSRF_TRUSTED_ORIGINS = env.list("ART28_CSRF_TRUSTED_ORIGINS", default=[])
# A form without a valid token: the branded page that says nothing changed (art28.core.errors).
CSRF_FAILURE_VIEW = "art28.core.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # django-ninja's own static Swagger UI (served by art28, allowed by the CSP) instead of its CDN page.
    "ninja",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "art28.core",
    "art28.inventory",
    "art28.notify",
    "art28.residency",
    "art28.breaches",
    "art28.subprocessors",
    "art28.records",
    "art28.legal",
    "art28.dpo",
    "art28.assurance",
    "art28.patching",
    "art28.evidence",
    "art28.physical",
    "art28.duties",
    "art28.staff",
    "art28.portal",
    "art28.demo",
    "art28.trust",
    "art28.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "art28.core.middleware.StaffMfaRequiredMiddleware",
]

ROOT_URLCONF = "art28.urls"
WSGI_APPLICATION = "art28.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SOURCE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "art28.core.context_processors.art28",
                "art28.legal.context_processors.cookie_banner",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'art28.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the web server read while the task worker writes; IMMEDIATE takes the write
            # lock at BEGIN so two writers queue instead of failing with "database is locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The residency and impact engines are recursive CTEs, whose sizes PostgreSQL cannot estimate:
    # the astronomical guesses make it JIT-compile every such query, which costs more (~0.7 s) than
    # running it. art28's queries are short; JIT never pays off for them.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: local memory per process by default; ART28_CACHE_URL (e.g. redis://127.0.0.1:6379/1) shares
# it between processes and machines, so that invalidating the trust center's pages reaches every worker.
CACHES = {
    "default": {"KEY_PREFIX": "art28"} | env.cache_url("ART28_CACHE_URL", default="locmemcache://art28"),
}

TASKS = {
    "default": {
        "BACKEND": env.str("ART28_TASK_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: e-mail logins, no self-service sign-up (staff create accounts), TOTP for MFA.
ACCOUNT_ADAPTER = "art28.core.auth.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("ART28_PROVIDER_NAME", default="art28")

# Staff must enrol a TOTP device before they can use art28 (ART28_STAFF_MFA_REQUIRED=0 turns it off
# for a local demo, so that the printed demo logins work without an authenticator app).
ART28_STAFF_MFA_REQUIRED = env.bool("ART28_STAFF_MFA_REQUIRED", default=True)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8

# HTTPS (on when ART28_BASE_URL is https; each can be tuned). Cookies only over TLS; HTTP redirected to
# HTTPS; HSTS (RFC 6797) tells browsers to use nothing but HTTPS for ART28_HSTS_SECONDS.
SESSION_COOKIE_SECURE = env.bool("ART28_SECURE_COOKIES", default=SERVED_OVER_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("ART28_SSL_REDIRECT", default=SERVED_OVER_HTTPS)
SECURE_HSTS_SECONDS = env.int("ART28_HSTS_SECONDS", default=60 * 60 * 24 * 365 if SERVED_OVER_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("ART28_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("ART28_HSTS_PRELOAD", default=False)
# Behind a reverse proxy that terminates TLS: the header it sets to "https" (e.g. X-Forwarded-Proto). Opt-in,
# because a client could send the header itself where no proxy overwrites it.
_proxy_ssl_header = env.str("ART28_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)
# Content Security Policy (W3C CSP Level 3), Django's own: scripts only from art28's static files (no inline
# script, no eval), nothing embedded from elsewhere, no framing. Inline style attributes stay allowed (the
# SVG charts size themselves with them); they cannot run code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch"), ("it", "Italiano")]
LOCALE_PATHS = [SOURCE_DIR / "locale"]
TIME_ZONE = env.str("ART28_TIME_ZONE", default="Europe/Zurich")
USE_I18N = True
USE_TZ = True
# One date, time and number format per language (src/art28/formats): Swiss by default ("3 Dec 2026",
# "03.12.2026 11:23", "5’207"); ART28_FORMAT_REGION=EU selects each language's continental conventions.
ART28_FORMAT_REGION = env.str("ART28_FORMAT_REGION", default="CH").upper()
FORMAT_MODULE_PATH = format_module_path(ART28_FORMAT_REGION)
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"  # created at start-up (art28.core.apps): WhiteNoise warns without it
# The project-wide stylesheet lives in src/art28/static/ (not in an app), so the finders need telling.
STATICFILES_DIRS = [SOURCE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# EMAIL_URL (smtp://host:port, smtp+tls://user:pass@host:587, consolemail://) → Django 6.1's MAILERS.
_mail = env.email_url("EMAIL_URL", default="consolemail://")
_SMTP_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
}
MAILERS = {
    "default": {
        "BACKEND": _mail["EMAIL_BACKEND"],
        "OPTIONS": (
            {_SMTP_OPTIONS[k]: v for k, v in _mail.items() if k in _SMTP_OPTIONS and v not in (None, "")}
            | {"timeout": 10}
        )
        if _mail["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("ART28_FROM_EMAIL", default="art28@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("ART28_LOG_LEVEL", default="WARNING")},
}

# --- art28's own settings -------------------------------------------------------------------------
# The provider, as it appears in records, attestations and the trust center.
# Demo mode (`make demo` sets it): the login page lists the demo logins (art28.demo.logins). Never in
# production: the demo's password is public.
ART28_DEMO = env.bool("ART28_DEMO", default=False)
ART28_PROVIDER_NAME = env.str("ART28_PROVIDER_NAME", default="Example Hosting SA")
ART28_PROVIDER_ADDRESS = env.str("ART28_PROVIDER_ADDRESS", default="Rue du Lac 1, 1200 Genève, Switzerland")
ART28_PROVIDER_COUNTRY = env.str("ART28_PROVIDER_COUNTRY", default="CH")
ART28_DPO_NAME = env.str("ART28_DPO_NAME", default="")
ART28_DPO_EMAIL = env.str("ART28_DPO_EMAIL", default="dpo@localhost")
# The provider's own service level for DPO questions, complaints and security reports (no legal deadline).
ART28_DPO_REPLY_DAYS = env.int("ART28_DPO_REPLY_DAYS", default=30)
# The provider's own commitment to pass a data subject's request about a customer's data on to that
# customer, the controller, in calendar days (GDPR Art. 28(3)(e) sets no period; 1 to 30).
ART28_DPO_FORWARD_DAYS = env.int("ART28_DPO_FORWARD_DAYS", default=5)
# Where the GDPR applies to the provider's own processing (GDPR Art. 3): an establishment in the EEA
# (Art. 3(1); unset = ART28_PROVIDER_COUNTRY is in the EEA), and whether it offers its services to people
# in the EEA (Art. 3(2)(a); then a requester in the EEA brings the GDPR in).
ART28_GDPR_ESTABLISHMENT = env.bool("ART28_GDPR_ESTABLISHMENT", default=None)
ART28_GDPR_OFFERS_TO_EEA = env.bool("ART28_GDPR_OFFERS_TO_EEA", default=True)
# Public holidays that end a legal period on the next working day, "<country>[-<subdivision>]" as the
# holidays library names them, or empty for Saturdays and Sundays only (checked at start-up).
# nFADP: the place of performance, the provider's canton (CO Art. 78(1)); GDPR: the Member State where
# the provider acts (Reg. 1182/71 Art. 2(1), 3(4)); see docs/dpo-desk.md.
ART28_HOLIDAYS_NFADP = env.str("ART28_HOLIDAYS_NFADP", default="CH-GE")
ART28_HOLIDAYS_GDPR = env.str("ART28_HOLIDAYS_GDPR", default="")
# Contact-form submissions accepted per client IP and hour (trust center, DPO desk).
ART28_DPO_CONTACT_PER_IP_PER_HOUR = env.int("ART28_DPO_CONTACT_PER_IP_PER_HOUR", default=5)
# Countries where customer data may be stored or sent when a customer has no policy of its own (S1).
ART28_ALLOWED_COUNTRIES = [c.upper() for c in env.list("ART28_ALLOWED_COUNTRIES", default=["CH"])]
# Ed25519 private key (PEM) that signs residency attestations; `art28 signing-key-create` makes one.
ART28_SIGNING_KEY_FILE = Path(env.str("ART28_SIGNING_KEY_FILE", default=str(DATA_DIR / "signing-key.pem")))
# NetBox has no country field: an optional site custom field that holds the ISO 3166-1 alpha-2 code.
ART28_NETBOX_COUNTRY_FIELD = env.str("ART28_NETBOX_COUNTRY_FIELD", default="")
# Live NetBox (`art28 netbox-sync`, docs/import-formats.md "Live NetBox"): the NetBox the nightly sync reads,
# the name of the environment variable holding its API token (the token itself never goes in settings), the
# hour (0-23, ART28_TIME_ZONE) of the nightly run by the task worker (-1: none; run it from cron instead),
# each request's timeout in seconds, and the page size asked for (NetBox caps it at its MAX_PAGE_SIZE).
ART28_NETBOX_URL = env.str("ART28_NETBOX_URL", default="")
ART28_NETBOX_TOKEN_ENV = env.str("ART28_NETBOX_TOKEN_ENV", default="ART28_NETBOX_TOKEN")
ART28_NETBOX_SYNC_HOUR = env.int("ART28_NETBOX_SYNC_HOUR", default=2)
ART28_NETBOX_TIMEOUT = env.float("ART28_NETBOX_TIMEOUT", default=60.0)
ART28_NETBOX_PAGE_SIZE = env.int("ART28_NETBOX_PAGE_SIZE", default=1000)
# The domain of Message-IDs and webhook-ids (``<delivery-uuid>@domain``).
ART28_MAIL_DOMAIN = env.str("ART28_MAIL_DOMAIN", default="art28.localhost")
# The tagging entity of the Atom feed's ids (tag: URIs, RFC 4151): a domain (or e-mail address) the provider
# owns and a date on which it owned it. Ids never change with ART28_BASE_URL; changing this changes them all.
ART28_TAG_AUTHORITY = env.str("ART28_TAG_AUTHORITY", default=f"{ART28_MAIL_DOMAIN},2025-01-01")
# Service levels (S6, S7; art28.core.service_levels): days to remedy, per severity, for a security fix
# from its publication (docs/patching.md) and for an intrusion-test finding from its report (docs/assurance.md):
# the provider's published commitments, one setting for both.
ART28_SLA_DAYS = {
    "critical": env.int("ART28_SLA_CRITICAL_DAYS", default=7),
    "high": env.int("ART28_SLA_HIGH_DAYS", default=30),
    "medium": env.int("ART28_SLA_MEDIUM_DAYS", default=90),
    "low": env.int("ART28_SLA_LOW_DAYS", default=180),
}
# The longest a risk acceptance (a patch exception, an accepted finding) may run before someone decides again.
ART28_RISK_ACCEPTANCE_MAX_DAYS = env.int("ART28_RISK_ACCEPTANCE_MAX_DAYS", default=365)
# Intrusion tests (S6): a service's last completed campaign may be at most this old ("at least once a
# year"); a service may require more often (assurance.ServiceCadence).
ART28_PENTEST_CADENCE_MONTHS = env.int("ART28_PENTEST_CADENCE_MONTHS", default=12)
# Controls and corrective actions (S2): their owners are reminded this many days before evidence
# expires, a test falls due or an action is due (and once when it has lapsed).
ART28_REMINDER_DAYS = env.int("ART28_REMINDER_DAYS", default=14)
# Physical security (S5): how often each zone's authorisations are reviewed, in months per security class
# ("4=3,3=6,2=12,1=12": class 4 quarterly, 3 half-yearly, else yearly); badge events, personal data of
# employees, are kept this many months and then purged (art28 physical-purge).
ART28_ACCESS_REVIEW_MONTHS = env.str("ART28_ACCESS_REVIEW_MONTHS", default="4=3,3=6,2=12,1=12")
ART28_PHYSICAL_RETENTION_MONTHS = env.int("ART28_PHYSICAL_RETENTION_MONTHS", default=12)
# End of contract (GDPR Art. 28(3)(g); docs/duties.md): how long a backup store keeps a copy when no
# retention is set for it or its service, and the days after the contract's end a return is due by.
ART28_BACKUP_RETENTION_DAYS = env.int("ART28_BACKUP_RETENTION_DAYS", default=30)
ART28_RETURN_DAYS = env.int("ART28_RETURN_DAYS", default=30)
# Audits by the controller (GDPR Art. 28(3)(h); the DPA's terms): the provider answers a request within
# ART28_AUDIT_ANSWER_DAYS; an audit starts at least ART28_AUDIT_NOTICE_DAYS after it is asked for; where the
# DPA allows (ART28_AUDIT_EVIDENCE_INSTEAD), the provider may first offer its evidence pack and certificates.
ART28_AUDIT_ANSWER_DAYS = env.int("ART28_AUDIT_ANSWER_DAYS", default=30)
ART28_AUDIT_NOTICE_DAYS = env.int("ART28_AUDIT_NOTICE_DAYS", default=30)
ART28_AUDIT_EVIDENCE_INSTEAD = env.bool("ART28_AUDIT_EVIDENCE_INSTEAD", default=True)
# The provider's own promise for a first breach notice, in hours after awareness: a contractual
# commitment shown as such, never as the law (GDPR Art. 33(2): "without undue delay").
ART28_BREACH_NOTICE_HOURS = env.int("ART28_BREACH_NOTICE_HOURS", default=24)
# Rows per batch when importing; bounds memory on 1M-row inputs.
ART28_IMPORT_BATCH = env.int("ART28_IMPORT_BATCH", default=5000)
# Limits on an import's input (docs/import-formats.md): each file's size, and how deeply a JSON
# document (json, netbox) may nest; beyond them the file is refused before anything is read or changed.
ART28_IMPORT_MAX_FILE_BYTES = env.int("ART28_IMPORT_MAX_FILE_BYTES", default=1 << 30)
ART28_IMPORT_MAX_JSON_DEPTH = env.int("ART28_IMPORT_MAX_JSON_DEPTH", default=32)
# A full sync (`import-inventory --sync`) that would end more than this share of its source's assets or
# placements is refused unless --force: a truncated export must not wipe the inventory.
ART28_SYNC_MAX_END_SHARE = env.float("ART28_SYNC_MAX_END_SHARE", default=0.10)
# The outbox (notify/): a delivery that keeps failing is retried with backoff (30 s, 2 min, 10 min,
# 1 h, then every 6 h) and given up ("dead", shown to staff) after this many attempts.
ART28_DELIVERY_MAX_ATTEMPTS = env.int("ART28_DELIVERY_MAX_ATTEMPTS", default=12)
# How long a worker holds the deliveries it claimed; a crashed worker's deliveries are taken over
# after this. Must exceed the longest send (SMTP/webhook timeouts are 10 s) by a wide margin.
ART28_DELIVERY_LEASE_SECONDS = env.float("ART28_DELIVERY_LEASE_SECONDS", default=300.0)
# Deliveries a worker claims at a time (one SMTP connection per batch). Smaller batches spread one fan-out
# over more workers sooner; larger ones save claims.
ART28_OUTBOX_BATCH = env.int("ART28_OUTBOX_BATCH", default=200)
# Drain tasks enqueued for each new fan-out: set it to the number of task workers (`art28 db_worker`), so
# that all of them share the fan-out (each drain claims with SKIP LOCKED; one with nothing left ends at once).
ART28_OUTBOX_DRAINS = env.int("ART28_OUTBOX_DRAINS", default=1)
# Webhook endpoints must be public https URLs; this also allows http://127.0.0.1 / localhost (tests, demos).
ART28_WEBHOOK_ALLOW_LOOPBACK = env.bool("ART28_WEBHOOK_ALLOW_LOOPBACK", default=DEBUG)
# The public trust center (trust/): its pages and feeds are cached this long (and invalidated on every
# register write; with a per-process cache other processes see a change after at most this delay), and
# browsers and proxies may keep them for ART28_TRUST_MAX_AGE seconds.
ART28_TRUST_CACHE_SECONDS = env.int("ART28_TRUST_CACHE_SECONDS", default=60)
ART28_TRUST_MAX_AGE = env.int("ART28_TRUST_MAX_AGE", default=60)
# Legal documents (legal/): a new version of a document customers accepted (terms, DPA) takes effect at
# least this many days after it is published, and those customers are told (GDPR Art. 28(3),(9)).
ART28_LEGAL_NOTICE_DAYS = env.int("ART28_LEGAL_NOTICE_DAYS", default=30)
# security.txt (RFC 9116): where to report a vulnerability; empty = the DPO's address.
ART28_SECURITY_CONTACT = env.str("ART28_SECURITY_CONTACT", default="")
# The address of the mailto: List-Unsubscribe (RFC 2369) of subscriber mail; a person handles those
# requests (`art28 subscriber-unsubscribe EMAIL`). Empty = the DPO's address.
ART28_UNSUBSCRIBE_EMAIL = env.str("ART28_UNSUBSCRIBE_EMAIL", default="")
# The public subscribe form accepts this many submissions per client IP address per hour.
ART28_SUBSCRIBE_PER_IP_PER_HOUR = env.int("ART28_SUBSCRIBE_PER_IP_PER_HOUR", default=5)
# Benchmarks only: serves /trust/_bare (a view doing nothing), the baseline of `python -m bench --only trust`.
ART28_BENCH_VIEWS = env.bool("ART28_BENCH_VIEWS", default=False)

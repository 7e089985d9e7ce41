"""Organisations (the controllers), users and their roles, API tokens, the audit trail, security.txt's expiry."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from art28.core.roles import CUSTOMER_ROLES, STAFF_ROLES, STAFF_WRITERS, Role
from art28.core.translated import translations_field


class Language(models.TextChoices):
    EN = "en", "English"
    FR = "fr", "Français"
    DE = "de", "Deutsch"
    IT = "it", "Italiano"


class Organisation(models.Model):
    """A customer of the provider: the controller whose personal data the provider processes (Art. 28)."""

    ref = models.CharField(_("reference"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.EN)
    privacy_email = models.EmailField(_("privacy contact"), blank=True)
    security_email = models.EmailField(
        _("security contact"), blank=True, help_text=_("Empty: the privacy contact receives security notices.")
    )
    # ';'-separated ISO codes, sorted; empty means the provider default (ART28_ALLOWED_COUNTRIES).
    allowed_countries = models.CharField(_("allowed countries"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return f"{self.name} ({self.ref})"

    @property
    def allowed_country_list(self) -> list[str]:
        """The residency policy in force: the organisation's own, or the provider default (S1)."""
        if self.allowed_countries:
            return self.allowed_countries.split(";")
        return list(settings.ART28_ALLOWED_COUNTRIES)

    @property
    def uses_default_policy(self) -> bool:
        return not self.allowed_countries

    @property
    def security_contact(self) -> str:
        return self.security_email or self.privacy_email


class AllowedCountriesPeriod(models.Model):
    """An organisation's own allowed countries over the half-open interval [valid_from, valid_to), so that a
    residency answer "as of" a past date applies the policy then in force (docs/inventory-sync.md)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    allowed_countries = models.CharField(max_length=300, blank=True)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "valid_from"], name="allowedperiod_org_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.allowed_countries or 'default'} from {self.valid_from:%Y-%m-%d %H:%M}"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: provider staff (no organisation) or a customer user (exactly one organisation)."""

    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_customer_roles_have_one_organisation",
                condition=(
                    Q(role__in=sorted(r.value for r in CUSTOMER_ROLES), organisation__isnull=False)
                    | Q(role__in=sorted(r.value for r in STAFF_ROLES), organisation__isnull=True)
                ),
                violation_error_message=_("Customer users belong to exactly one organisation; staff belong to none."),
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_staff(self) -> bool:
        """Provider staff (any staff role). Django's admin additionally requires the admin role."""
        return self.role in STAFF_ROLES

    @property
    def is_customer(self) -> bool:
        return self.role in CUSTOMER_ROLES

    @property
    def can_write(self) -> bool:
        return self.role in STAFF_WRITERS or self.role == Role.CUSTOMER_ADMIN


def _token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A per-user API token. Only its SHA-256 is stored; the secret is shown once, at creation."""

    PREFIX = "art28_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, to tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_secret(cls) -> tuple[str, str]:
        """A fresh secret and its digest."""
        secret = cls.PREFIX + secrets.token_urlsafe(32)
        return secret, _token_digest(secret)

    @classmethod
    def find_active(cls, secret: str) -> ApiToken | None:
        token = (
            cls.objects.select_related("user", "user__organisation")
            .filter(digest=_token_digest(secret), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None or (token.expires_at and token.expires_at <= timezone.now()):
            return None
        return token


class AuditEntry(models.Model):
    """One change, chained to the previous entry by SHA-256 so that any edit or deletion shows.

    ``hash = sha256(prev_hash + canonical JSON of the entry's fields)``; see core/audit.py.
    The actor is kept as an id and a label, not as a foreign key, so deleting a user changes no entry.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """A single row holding the chain's last entry; locking it serialises appends (PostgreSQL)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class DpoProfile(models.Model):
    """The provider's data protection officer: the ONE source of the DPO's contact that every output reads
    (trust center, breach notices, the DPA, records, feeds, mails; GDPR Art. 37(7) and nFADP Art. 10(3)(d):
    the contact details are published). One row; until it is saved, ``art28.core.dpo.dpo_profile`` builds
    an unsaved one from ``ART28_DPO_NAME`` / ``ART28_DPO_EMAIL``."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    introduction = models.TextField(_("short text"), blank=True, max_length=1000)
    introduction_i18n = translations_field(_("short text: translations"))
    # ';'-separated language codes the DPO answers in, e.g. "en;fr;de".
    languages = models.CharField(_("languages"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("DPO profile")
        constraints = [models.CheckConstraint(name="core_dpo_profile_single_row", condition=Q(id=1))]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(";") if code]

    @property
    def language_names(self) -> list[str]:
        names = dict(Language.choices)
        return [str(names.get(code, code)) for code in self.language_list]


# RFC 9116 §2.5.5: Expires is RECOMMENDED "less than a year into the future"; staff are warned this long
# before it passes, and once it has passed the file is stale.
SECURITY_TXT_WARN_BEFORE = dt.timedelta(days=30)


def one_year_after(moment: dt.datetime) -> dt.datetime:
    """The same instant a calendar year later (29 February → 28 February)."""
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        return moment.replace(year=moment.year + 1, day=28)


class SecurityTxt(models.Model):
    """When ``/.well-known/security.txt`` goes stale (RFC 9116 §2.5.5), as staff last renewed it (one row).

    No row: nobody has vouched for the file yet, and it is not served (a fresh install; see
    docs/trust-center.md). The person is kept as a label too, so deleting the user keeps who renewed it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    renewed_at = models.DateTimeField(_("renewed at"))
    renewed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    renewed_by_label = models.CharField(_("renewed by"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("security.txt expiry")
        constraints = [models.CheckConstraint(name="security_txt_single_row", condition=Q(id=1))]

    def __str__(self) -> str:
        return f"security.txt expires {self.expires_at:%Y-%m-%d %H:%M}"


class CategoryKind(models.TextChoices):
    """The two glossaries: what personal data, and whose (GDPR Art. 28(3), 30(2)(b), 33(3)(a))."""

    DATA = "data", _("Categories of personal data")
    SUBJECTS = "subjects", _("Categories of data subjects")


class DataCategory(models.Model):
    """A term of the staff-managed glossary of data categories, in English (``name``) and translated.

    ``name`` is the key: it is the string stored in the ';'-separated category fields (placements,
    sub-processors, frozen breach impacts), so data written before the glossary keeps working. Imports
    map free text to it through ``aliases`` (art28.core.glossary.canonical_categories)."""

    kind = models.CharField(_("glossary"), max_length=10, choices=CategoryKind.choices, default=CategoryKind.DATA)
    name = models.CharField(_("term"), max_length=100, help_text=_("In English; this is what is stored."))
    name_i18n = translations_field(_("term (translations)"))
    description = models.TextField(_("description"), blank=True, max_length=1000)
    description_i18n = translations_field(_("description (translations)"))
    # ';'-separated other spellings that imports map to ``name``, e.g. "email address;e-mail".
    aliases = models.CharField(_("aliases"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("data category")
        verbose_name_plural = _("data categories")
        constraints = [
            models.UniqueConstraint(Lower("name"), "kind", name="core_datacategory_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [a for a in self.aliases.split(";") if a]

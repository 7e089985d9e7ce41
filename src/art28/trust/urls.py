"""Mounted at the root (src/art28/urls.py): every trust center page at ``/trust/…`` (the browser's
language) and at ``/<lang>/trust/…`` (fr, de, it, en: the URL's language). ``/.well-known/security.txt``
is in the root URLconf."""

from django.urls import include, path, register_converter

from art28.trust import assurance, contact, patching, policies, storefront, subscribe, views


class LanguageConverter:
    regex = "en|fr|de|it"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LanguageConverter, "trustlang")

pages = [
    path("", views.index, name="index"),
    path("subprocessors.json", views.subprocessors_json, name="subprocessors_json"),
    path("subprocessors.atom", views.subprocessors_atom, name="subprocessors_atom"),
    path("certifications.json", storefront.certifications_json, name="certifications_json"),
    path("patching.json", patching.patching_json, name="patching_json"),
    path("security-updates/", patching.security_updates, name="patching"),
    path("security-testing/", assurance.security_testing, name="security_testing"),
    path("subscribe/", subscribe.subscribe, name="subscribe"),
    path("subscribe/sent/", subscribe.subscribe_sent, name="subscribe_sent"),
    path("subscribe/confirm/<str:token>/", subscribe.subscribe_confirm, name="subscribe_confirm"),
    path("unsubscribe/<str:token>/", subscribe.unsubscribe, name="unsubscribe"),
    path("contact/", contact.contact, name="contact"),
    path("contact/sent/", contact.contact_sent, name="contact_sent"),
    path("attestation-key.pem", views.attestation_key_pem, name="attestation_key_pem"),
    path("attestation-key.json", views.attestation_key_json, name="attestation_key_json"),
    path("policies/", policies.policy_list, name="policies"),
    path("policies/<slug:slug>/", policies.policy, name="policy"),
    path("policies/<slug:slug>/v<int:number>/", policies.policy_version, name="policy_version"),
    path("policies/<slug:slug>/history/", policies.policy_history, name="policy_history"),
    path("policies/<slug:slug>/diff/", policies.policy_diff, name="policy_diff"),
    path("cookies/consent/", policies.cookie_consent, name="cookie_consent"),
]

app_name = "trust"
urlpatterns = [
    path("trust/_bare", views.bare, name="bare"),
    # Files named by their SHA-256, the same in every language (so outside ``pages``).
    path("trust/logo/<str:digest>", storefront.logo, name="logo"),
    path("trust/certifications/<id:pk>/<str:digest>.pdf", storefront.certificate, name="certificate"),
    path("trust/", include(pages)),
    path("<trustlang:lang>/trust/", include(pages)),
]

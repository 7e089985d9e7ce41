"""The ``s3`` isolation probe (S6; docs/assurance.md, "Isolation probes"): a GET of one object on
S3-compatible storage, signed (SigV4) by botocore with the side's keys, or unsigned when the side gives
none (an anonymous GET: is B's object public?). Only the answer's status counts: the object's bytes are
never read.

What the attack met: a 2xx is a success (A read B's object: a breach); S3's refusals (AccessDenied,
NoSuchBucket, NoSuchKey, InvalidAccessKeyId, or a 403/404 without an error code) are a refusal; anything
else is unclear, and so the pair inconclusive: a 5xx, a connection error, and a SignatureDoesNotMatch,
which says the storage knows A's key id and A's secret in the suite is wrong, so the refusal tests
nothing. The control succeeds on a 2xx only.
"""

from __future__ import annotations

import threading
from typing import Any

import botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from art28.assurance.probes import Met

DEFAULT_REGION = "us-east-1"
# S3's answers that refuse the access itself (whatever the storage says first for a key it does not
# grant: AWS answers AccessDenied, others NoSuchBucket or NoSuchKey, a storage of another tenant's realm
# InvalidAccessKeyId); SignatureDoesNotMatch is not one of them (above).
REFUSED_CODES = frozenset({"AccessDenied", "AllAccessDisabled", "InvalidAccessKeyId", "NoSuchBucket", "NoSuchKey"})
REFUSED_STATUS_WITHOUT_CODE = (403, 404)
HINTS = {"SignatureDoesNotMatch": " (the secret access key does not match the key id: check the suite's keys)"}

# botocore's sessions are not thread-safe, its clients are (botocore's docs); a session loads the service
# models once, so the probes share one and create their clients (about 15 ms each) one at a time.
_session: botocore.session.Session | None = None
_session_lock = threading.Lock()


def _client(fields: dict[str, Any], timeout: float) -> Any:
    global _session
    config = Config(
        connect_timeout=timeout,
        read_timeout=timeout,
        retries={"total_max_attempts": 1},  # one attempt: a probe's time stays bounded by the suite's timeout
        s3={"addressing_style": str(fields.get("addressing_style") or "path")},
        # No checksum headers a strict S3-compatible server may refuse: the body is never read anyway.
        response_checksum_validation="when_required",
        signature_version=None if "access_key_id" in fields else UNSIGNED,
    )
    with _session_lock:
        if _session is None:
            _session = botocore.session.Session()
        return _session.create_client(
            "s3",
            endpoint_url=str(fields["endpoint"]),
            region_name=str(fields.get("region") or DEFAULT_REGION),
            aws_access_key_id=str(fields["access_key_id"]) if "access_key_id" in fields else None,
            aws_secret_access_key=str(fields["secret_access_key"]) if "secret_access_key" in fields else None,
            aws_session_token=str(fields["session_token"]) if fields.get("session_token") else None,
            verify=False if fields.get("verify_tls") is False else None,
            config=config,
        )


def probe_s3(fields: dict[str, Any], timeout: float, *, attack: bool) -> Met:
    """GET ``bucket``/``key`` at ``endpoint`` with the side's keys (already resolved from the environment)."""
    if "access_key_id" in fields and not (fields["access_key_id"] and fields.get("secret_access_key")):
        # A variable set but empty: never fall back to an anonymous GET the suite did not ask for.
        return Met(None if attack else False, f"{'error' if attack else 'failed'}: the keys are empty")
    try:
        client = _client(fields, timeout)
        response = client.get_object(Bucket=str(fields["bucket"]), Key=str(fields["key"]))
        response["Body"].close()  # the status is the answer; the object's bytes are not read
        status = int(response["ResponseMetadata"]["HTTPStatusCode"])
    except ClientError as exc:
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        code = str(exc.response.get("Error", {}).get("Code") or "")
        if code == str(status):  # botocore's stand-in when the answer has no body (a HEAD-like 403)
            code = ""
        answer = f"HTTP {status} {code}".strip()
        if not attack:
            return Met(False, f"failed: {answer}")
        if code in REFUSED_CODES or (not code and status in REFUSED_STATUS_WITHOUT_CODE):
            return Met(False, f"refused: {answer}")
        return Met(None, f"unclear: {answer}{HINTS.get(code, '')}")
    except BotoCoreError as exc:  # no connection, a timeout, a TLS failure, a bad endpoint
        reason = " ".join(str(exc).split())[:200]
        return Met(None if attack else False, f"{'error' if attack else 'failed'}: {reason}")
    worked = 200 <= status < 300
    if attack and not worked:
        return Met(None, f"unclear: HTTP {status}")
    return Met(worked, f"{'succeeded' if worked else 'failed'}: HTTP {status}")

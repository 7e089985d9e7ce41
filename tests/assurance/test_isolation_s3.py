"""The s3 isolation probe against a real S3-compatible server (S6; docs/assurance.md, "Isolation probes"):
moto's server on loopback with IAM enforced, two tenants as IAM users with their own keys and buckets, and
each user's policy granting its own bucket only. A refusal counts only with its control: B's wrong
secret or a stopped server makes the pair inconclusive, never a pass."""

from __future__ import annotations

import io
import json
import logging
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.config import Config
from django.core.management import call_command
from moto.server import ThreadedMotoServer

from art28.assurance.models import IsolationRun, ProbeResult
from art28.assurance.probe_suite import load_suite
from art28.assurance.probes import PairResult, run_suite
from art28.core.problems import Problems

pytestmark = pytest.mark.django_db
OBJECT = "invoices/2026-11.csv"


@dataclass
class Storage:
    server: ThreadedMotoServer
    endpoint: str
    acme_key_id: str
    environment: dict[str, str]  # the secrets the suites refer to, as a shell would export them
    admin: dict[str, str]  # the provider's administrator's keys (full access), to change a policy

    def client(self, service: str) -> Any:
        return botocore.session.Session().create_client(
            service, endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id=self.admin["id"],
            aws_secret_access_key=self.admin["secret"], config=Config(s3={"addressing_style": "path"}),
        )  # fmt: skip

    def enforce_iam(self, enforce: bool) -> None:
        """moto's server mode checks every request's signature and the user's IAM policies once its count
        of unauthenticated actions is 0 (POST /moto-api/reset-auth; infinite, its default, checks none)."""
        moto_api(self.endpoint, "reset-auth", b"0" if enforce else b"inf")


def moto_api(endpoint: str, operation: str, data: bytes = b"") -> None:
    # The loopback server of the fixture (S310: a URL built here, http:// only).
    request = urllib.request.Request(  # noqa: S310
        f"{endpoint}/moto-api/{operation}", data=data, method="POST", headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
        assert json.load(answer)["status"] == "ok"


def own_bucket_policy(bucket: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}
    ]})  # fmt: skip


@pytest.fixture
def storage():
    """moto's S3 and IAM on a free loopback port: users acme and beta, each allowed its own bucket only
    (acme-data, beta-data), an object in BETA's, and an administrator; IAM is enforced from then on."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # moto's state is the process's, not the server's: start from none, whatever an earlier test left.
    moto_api(endpoint, "reset-auth", b"inf")
    moto_api(endpoint, "reset")
    setup = botocore.session.Session()
    anyone = {"endpoint_url": endpoint, "region_name": "us-east-1", "aws_access_key_id": "setup",
              "aws_secret_access_key": "setup", "config": Config(s3={"addressing_style": "path"})}  # fmt: skip
    iam, s3 = setup.create_client("iam", **anyone), setup.create_client("s3", **anyone)
    keys = {}
    for user in ("acme", "beta", "admin"):
        iam.create_user(UserName=user)
        created = iam.create_access_key(UserName=user)["AccessKey"]
        keys[user] = {"id": created["AccessKeyId"], "secret": created["SecretAccessKey"]}
    iam.put_user_policy(UserName="admin", PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))  # fmt: skip
    for tenant in ("acme", "beta"):
        s3.create_bucket(Bucket=f"{tenant}-data")
        iam.put_user_policy(
            UserName=tenant, PolicyName="own-bucket", PolicyDocument=own_bucket_policy(f"{tenant}-data")
        )
    s3.put_object(Bucket="beta-data", Key=OBJECT, Body=b"customer;amount\nBETA-1;100\n")
    environment = {"ACME_S3_SECRET": keys["acme"]["secret"], "BETA_S3_KEY_ID": keys["beta"]["id"],
                   "BETA_S3_SECRET": keys["beta"]["secret"]}  # fmt: skip
    storage = Storage(server, endpoint, keys["acme"]["id"], environment, keys["admin"])
    storage.enforce_iam(True)
    yield storage
    server.stop()


def s3_pair(storage: Storage, name: str = "BETA's invoices with ACME's keys", *, attack: str = "", control: str = "",
            bucket: str = "beta-data") -> str:  # fmt: skip
    attack = attack or f'access_key_id: {storage.acme_key_id}, secret_access_key: "${{ACME_S3_SECRET}}"'
    control = control or 'access_key_id: "${BETA_S3_KEY_ID}", secret_access_key: "${BETA_S3_SECRET}"'
    return f"""  - name: {name}
    kind: s3
    tenant: ACME
    target: BETA
    assets: [s3-cluster-01]
    attack: {{endpoint: "{storage.endpoint}", bucket: {bucket}, key: {OBJECT}, {attack}}}
    control: {{endpoint: "{storage.endpoint}", bucket: beta-data, key: {OBJECT}, {control}}}
"""


def write_suite(tmp_path: Path, pairs: str) -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(f"suite: storage\ntimeout: 3\npairs:\n{pairs}", "utf-8")
    return path


def run(path: Path, environment: dict[str, str]) -> list[PairResult]:
    problems = Problems()
    suite = load_suite(path, problems, environment=environment)
    assert not problems, problems.lines
    assert suite is not None
    return run_suite(suite, environment=environment)


def test_s3_acmes_keys_are_refused_on_betas_object_and_betas_own_get_is_the_control(tmp_path, storage):
    (result,) = run(write_suite(tmp_path, s3_pair(storage)), storage.environment)
    assert (result.outcome, result.attack.detail, result.control.detail) == (
        "isolated",
        "refused: HTTP 403 AccessDenied",
        "succeeded: HTTP 200",
    )


def test_s3_a_policy_granting_acme_every_bucket_turns_the_same_suite_into_a_breach(tmp_path, storage):
    path = write_suite(tmp_path, s3_pair(storage))
    assert run(path, storage.environment)[0].outcome == "isolated"
    storage.client("iam").put_user_policy(UserName="acme", PolicyName="reporting", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                 "Resource": "arn:aws:s3:::*"}]}))  # fmt: skip
    (result,) = run(path, storage.environment)
    assert (result.outcome, result.attack.detail) == ("breach", "succeeded: HTTP 200")


def test_s3_a_bucket_acme_may_not_know_of_and_an_anonymous_get_are_refusals(tmp_path, storage):
    pairs = s3_pair(storage, "no such bucket", bucket="beta-archive") + s3_pair(
        storage, "anonymous", attack="region: us-east-1"
    )
    missing, anonymous = run(write_suite(tmp_path, pairs), storage.environment)
    assert (missing.outcome, missing.attack.detail) == ("isolated", "refused: HTTP 403 AccessDenied")
    assert anonymous.outcome == "isolated" and anonymous.attack.detail.startswith("refused: HTTP 403")


def test_s3_betas_wrong_secret_makes_the_control_fail_and_the_pair_inconclusive(tmp_path, storage):
    environment = {**storage.environment, "BETA_S3_SECRET": "not-betas-secret"}
    (result,) = run(write_suite(tmp_path, s3_pair(storage)), environment)
    assert result.attack.detail == "refused: HTTP 403 AccessDenied"
    assert (result.outcome, result.control.worked, result.control.detail) == (
        "inconclusive",
        False,
        "failed: HTTP 403 SignatureDoesNotMatch",
    )


def test_s3_acmes_wrong_secret_proves_nothing_and_the_pair_is_inconclusive(tmp_path, storage):
    """A refusal of keys the storage does not accept says nothing of ACME's access to BETA's object."""
    environment = {**storage.environment, "ACME_S3_SECRET": "stale-secret"}
    (result,) = run(write_suite(tmp_path, s3_pair(storage)), environment)
    assert (result.outcome, result.attack.worked, result.control.detail) == (
        "inconclusive",
        None,
        "succeeded: HTTP 200",
    )
    assert result.attack.detail.startswith("unclear: HTTP 403 SignatureDoesNotMatch (the secret access key does not")


def test_s3_a_stopped_server_makes_the_pair_inconclusive_not_isolated(tmp_path, storage):
    path = write_suite(tmp_path, s3_pair(storage))
    storage.server.stop()
    (result,) = run(path, storage.environment)
    assert (result.outcome, result.attack.worked, result.control.worked) == ("inconclusive", None, False)
    assert result.control.detail.startswith("failed: Could not connect to the endpoint URL")


def test_s3_many_pairs_at_once_each_with_its_own_client(tmp_path, storage):
    pairs = "".join(s3_pair(storage, f"pair {n}") for n in range(24))
    results = run(write_suite(tmp_path, pairs), storage.environment)
    assert [r.outcome for r in results] == ["isolated"] * 24


@pytest.mark.parametrize(
    ("side", "problem"),
    [
        ('{endpoint: "http://h:9000", bucket: b, key: k, access_key_id: AKIA1, secret_access_key: wJalrXUtn}',
         "suite.yaml:6: pairs[0].attack.secret_access_key: write a reference ${ENV_VAR}, never the secret itself"),
        ('{endpoint: "http://h:9000", bucket: b, key: k, access_key_id: AKIA1, secret_access_key: "${S}", '
         'session_token: IQoJb3JpZ2luX2VjE}', "suite.yaml:6: pairs[0].attack.session_token: write a reference"),
        ('{endpoint: "http://h:9000", key: k}', "suite.yaml:6: pairs[0].attack.bucket: required, the bucket's name"),
        ('{endpoint: "http://h:9000", bucket: b}', "suite.yaml:6: pairs[0].attack.key: required, the object's key"),
        ('{endpoint: "http://h:9000", bucket: b, key: k, acl: public-read}',
         "suite.yaml:6: pairs[0].attack.acl: not a s3 field (access_key_id, addressing_style, bucket, endpoint, "),
        ('{endpoint: "h:9000", bucket: b, key: k}', "suite.yaml:6: pairs[0].attack.endpoint: the storage's http://"),
        ('{endpoint: "http://h:9000", bucket: b/k, key: k}', "pairs[0].attack.bucket: a bucket's name, without /"),
        ('{endpoint: "http://h:9000", bucket: b, key: k, access_key_id: AKIA1}',
         "suite.yaml:6: pairs[0].attack: access_key_id and secret_access_key together (neither: an anonymous GET)"),
        ('{endpoint: "http://h:9000", bucket: b, key: k, addressing_style: dns}',
         "pairs[0].attack.addressing_style: path (the default) or virtual"),
        ('{endpoint: "http://h:9000", bucket: b, key: k, verify_tls: "no"}', "pairs[0].attack.verify_tls: true or"),
        ('{endpoint: "http://h:9000", bucket: b, key: k, access_key_id: AKIA1, secret_access_key: "${NOPE}"}',
         "suite.yaml:4: pairs[0]: the environment variable NOPE is not set"),
    ],
)  # fmt: skip
def test_a_bad_s3_pair_names_file_line_and_field_and_runs_nothing(tmp_path, side, problem):
    pairs = f"  - name: a\n    kind: s3\n    attack: {side}\n    control: {{endpoint: 'http://h', bucket: b, key: k}}\n"
    problems = Problems()
    load_suite(write_suite(tmp_path, pairs), problems, environment={"S": "x"})
    assert any(line.startswith(problem) or problem in line for line in problems.lines), problems.lines


def test_the_command_runs_s3_pairs_from_the_environment_and_stores_no_secret(tmp_path, storage, monkeypatch):
    for name, value in storage.environment.items():
        monkeypatch.setenv(name, value)
    path = write_suite(tmp_path, s3_pair(storage))
    out = io.StringIO()
    call_command("isolation_run", str(path), "--json", stdout=out)  # every pair isolated: no SystemExit
    document = json.loads(out.getvalue())
    assert document["counts"] == {"isolated": 1, "breach": 0, "inconclusive": 0}
    assert document["pairs"][0] == {
        "name": "BETA's invoices with ACME's keys",
        "kind": "s3",
        "outcome": "isolated",
        "attack": "refused: HTTP 403 AccessDenied",
        "control": "succeeded: HTTP 200",
    }
    stored = json.dumps(list(ProbeResult.objects.values()), default=str) + out.getvalue()
    assert IsolationRun.objects.get().isolated == 1
    for secret in storage.environment.values():
        if secret != storage.environment["BETA_S3_KEY_ID"]:
            assert secret not in stored

"""The deployment artefacts (deploy/): images pinned by the lock files, non-root, with no
secret baked in; a Compose file and Kubernetes manifests with the whole topology, readiness
on /readyz, resource requests and the Redis lock store; HAProxy's configuration for
`make cluster` with active checks and retries only where a request never arrived."""

from __future__ import annotations

import fnmatch
import re
import subprocess
from typing import Any

import yaml

from tests.support.paths import ROOT as PROJECT
from trolyao.runtime.cluster import Topology, haproxy_config

DEPLOY = PROJECT / "deploy"
SECRET_NAMES = ("EDGE_ENGINE_TOKEN", "ACTION_SERVER_TOKEN", "RASA_AUTH_TOKEN", "PASSWORD")


def test_images_are_pinned_non_root_and_hold_no_secret() -> None:
    for name, lock in (("Dockerfile.app", "app.lock"), ("Dockerfile.engine", "engine.lock")):
        text = (DEPLOY / name).read_text()
        assert f"requirements/{lock}" in text and "--require-hashes" in text
        users = re.findall(r"^USER (\S+)", text, re.M)
        assert users and users[-1].split(":")[0] not in ("root", "0")
        for secret in SECRET_NAMES:
            assert not re.search(rf"^(ENV|ARG)\b.*{secret}\s*=", text, re.M | re.I), secret
    assert "train" in (DEPLOY / "Dockerfile.engine").read_text()  # the model is in the image


def test_compose_runs_the_whole_topology_with_secrets_from_the_environment() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = set(compose["services"])
    assert {"engine1", "engine2", "actions1", "actions2", "api1", "api2", "worker"} <= services
    assert {"balancer", "postgres", "redis", "rabbitmq", "migrate"} <= services
    text = (DEPLOY / "compose.yaml").read_text()
    for secret in ("EDGE_ENGINE_TOKEN", "ACTION_SERVER_TOKEN", "POSTGRES_PASSWORD"):
        assert f"${{{secret}:?}}" in text  # required from the environment, never a value


def manifests() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def test_kubernetes_manifests_probe_readiness_and_request_resources() -> None:
    docs = manifests()
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    assert {"engine", "actions", "api", "worker", "redis"} <= set(deployments)
    assert deployments["engine"]["spec"]["replicas"] >= 2
    assert deployments["api"]["spec"]["replicas"] >= 2
    api = deployments["api"]["spec"]["template"]["spec"]["containers"][0]
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for container in pod["containers"]:
            assert container["resources"]["requests"]["memory"], name
            assert "value" not in str(container.get("envFrom", ""))  # secrets by reference
    endpoints = yaml.safe_load((DEPLOY / "k8s" / "endpoints.yml").read_text())
    assert endpoints["lock_store"]["type"] == "rasa_ext.locks.RedisTicketLockStore"
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["event_broker"]["type"] == "pika"
    kinds = {d["kind"] for d in docs}
    assert "Secret" not in kinds  # created by the operator, never committed


def test_only_the_edge_reaches_the_engine_and_only_the_engine_the_actions() -> None:
    docs = manifests()
    policies = {d["metadata"]["name"]: d for d in docs if d["kind"] == "NetworkPolicy"}
    deny = policies["default-deny-ingress"]["spec"]
    assert deny["podSelector"] == {} and deny["policyTypes"] == ["Ingress"]

    def allowed(component: str) -> set[str]:
        found: set[str] = set()
        for policy in policies.values():
            spec = policy["spec"]
            if spec["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/component") != (
                component
            ):
                continue
            for rule in spec.get("ingress", []):
                for peer in rule["from"]:
                    labels = peer.get("podSelector", {}).get("matchLabels", {})
                    found.add(labels.get("app.kubernetes.io/component", "outside"))
        return found

    assert allowed("engine") == {"api"}
    assert allowed("actions") == {"engine"}
    assert allowed("redis") == {"api", "engine"}
    assert allowed("api") == {"outside"}  # the ingress controller's namespace
    # Redis needs a password, from the Secret, in every client's URL and in Redis itself
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    redis = deployments["redis"]["spec"]["template"]["spec"]["containers"][0]
    assert "--requirepass" in " ".join(redis["command"])
    api_env = deployments["api"]["spec"]["template"]["spec"]["containers"][0]["env"]
    urls = [e["value"] for e in api_env if e["name"] in ("REDIS_URL", "LOCK_STORE_URL")]
    assert urls and all("$(REDIS_PASSWORD)@" in u for u in urls)
    assert (
        yaml.safe_load((DEPLOY / "k8s" / "endpoints.yml").read_text())["lock_store"]["password"]
        == "${REDIS_PASSWORD}"
    )
    compose = (DEPLOY / "compose.yaml").read_text()
    assert "--requirepass" in compose and "${REDIS_PASSWORD:?}" in compose


def test_the_cluster_balancer_checks_replicas_and_retries_only_unsent_requests() -> None:
    config = haproxy_config(Topology())
    assert "bind 127.0.0.1:8080" in config
    assert config.count("check inter 1s") == 6  # two of each: api, engine, actions
    assert "retry-on conn-failure" in config and "option redispatch" in config
    assert "option httpchk GET /livez" in config  # a replica without its database still answers


def _in_context(path: str, patterns: list[str]) -> bool:
    """Whether ``path`` is in the build context under .dockerignore ``patterns`` (the last
    matching pattern wins; a pattern matching a folder matches what is under it)."""
    included = True
    parts = path.split("/")
    for pattern in patterns:
        negated = pattern.startswith("!")
        glob = pattern[1:] if negated else pattern
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        if glob.startswith("**/"):
            hit = any(fnmatch.fnmatch(part, glob[3:]) for part in parts)
        else:
            hit = any(fnmatch.fnmatch(prefix, glob) for prefix in prefixes)
        if hit:
            included = negated
    return included


def test_the_images_hold_no_benchmarks_and_no_tests() -> None:
    patterns = [
        line.strip()
        for line in (PROJECT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT, capture_output=True, text=True, check=True
    ).stdout.split()
    context = [path for path in tracked if _in_context(path, patterns)]
    assert context and not [p for p in context if p.startswith(("bench/", "tests/", "scripts/"))]
    for name in ("Dockerfile.app", "Dockerfile.engine"):
        for source in re.findall(r"^COPY (?!--from)(.+) \S+$", (DEPLOY / name).read_text(), re.M):
            for item in source.split():
                assert any(p == item or p.startswith(f"{item}/") for p in context), (name, item)
    assert "bench" not in (DEPLOY / "Dockerfile.app").read_text()
    # the wheel holds no benchmarks either
    found = re.search(r"^include = \[(.*)\]$", (PROJECT / "pyproject.toml").read_text(), re.M)
    assert found
    include = re.findall(r'"([^"]+)"', found.group(1))
    assert "cli*" in include and not any(fnmatch.fnmatch("bench", p) for p in include)

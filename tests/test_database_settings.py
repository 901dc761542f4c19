"""The database settings follow the environment: connection reuse on every alias, and a read replica only where
DATABASE_REPLICA_URL is set (each settings module imported in a fresh process, as a server would)."""

from .settings_probe import settings_of

# JIT off, and the credit-code setting PostgreSQL's credit_code_is_valid reads (enterprises/credit_code.py).
SESSION = "-c jit=off -c dh.credit_code_check_org=on"


def databases_of(module: str, **environ: str) -> dict:
    """DATABASES and DATABASE_ROUTERS of a settings module."""
    found = settings_of(module, "DATABASES", "DATABASE_ROUTERS", **environ)
    return {"databases": found["DATABASES"], "routers": found["DATABASE_ROUTERS"]}


def test_production_reuses_connections_for_a_minute_by_default():
    databases = databases_of("production")["databases"]
    assert set(databases) == {"default"}
    assert (databases["default"]["CONN_MAX_AGE"], databases["default"]["CONN_HEALTH_CHECKS"]) == (60, True)
    assert databases["default"]["OPTIONS"]["options"] == SESSION and databases["default"]["ATOMIC_REQUESTS"]


def test_production_reads_connection_reuse_and_the_replica_from_the_environment():
    found = databases_of("production", CONN_MAX_AGE="300", CONN_HEALTH_CHECKS="false",
                        DATABASE_REPLICA_URL="postgres://reader@replica.internal:5433/digitalhuman")
    default, replica = found["databases"]["default"], found["databases"]["replica"]
    for config in (default, replica):
        assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (300, False)
        assert config["OPTIONS"]["options"] == SESSION
    assert (replica["HOST"], replica["PORT"], replica["USER"]) == ("replica.internal", 5433, "reader")
    assert replica["TEST"]["MIRROR"] == "default" and not replica["ATOMIC_REQUESTS"] and default["ATOMIC_REQUESTS"]
    assert found["routers"] == ["config.db.ReportReplicaRouter"]


def test_local_opens_a_connection_per_request():
    databases = databases_of("local")["databases"]
    assert set(databases) == {"default"}
    assert (databases["default"]["CONN_MAX_AGE"], databases["default"]["CONN_HEALTH_CHECKS"]) == (0, True)


def test_a_hung_database_host_costs_a_connect_timeout_the_url_may_set():
    assert databases_of("production")["databases"]["default"]["OPTIONS"]["connect_timeout"] == 5
    found = databases_of("production", DATABASE_URL="postgres://app@db.internal:5432/digitalhuman?connect_timeout=3",
                         DATABASE_REPLICA_URL="postgres://reader@replica.internal:5433/digitalhuman")
    assert found["databases"]["default"]["OPTIONS"]["connect_timeout"] == 3
    assert found["databases"]["replica"]["OPTIONS"]["connect_timeout"] == 2

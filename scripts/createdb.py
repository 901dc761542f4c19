"""Create the PostgreSQL database named by DATABASE_URL if it does not exist (run before migrate)."""

import os
import sys

import environ
import psycopg
from psycopg import sql

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))


def main() -> None:
    """Connect to the server's `postgres` database and create ours when missing."""
    env = environ.Env()
    environ.Env.read_env(os.path.join(os.path.dirname(__file__), "..", ".env"), overwrite=False)
    db = env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/digitalhuman")
    params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"] or None,
              "password": db["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            return
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        print(f"Created database {db['NAME']}")


if __name__ == "__main__":
    main()

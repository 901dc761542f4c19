"""One file job of the benchmark in a process of its own, so its peak memory is the job's: an XLSX export of every
enterprise, or an import of an XLSX of N enterprise rows (half updates of registered ones, half new ones).

    .venv/bin/python -m bench.file_jobs export|import --user NAME [--rows 10000] [--database-url URL]

The job runs as the Celery task runs it (a pending FileJob, then `registry.services.file_job_execute`). Prints one
line `FILEJOB {json}`: seconds, rows, status, peak resident memory of the process and its memory before the job.
"""

import argparse
import itertools
import json
import resource
import time

from .common import DEFAULT_DATABASE_URL, check_database_url, setup_django

NEW_CODE_BASE = 50_000_000  # serials of the new enterprises' credit codes, above any generated one


def peak_rss_mb() -> float:
    """The peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_file(rows: int) -> bytes:
    """An enterprise import of `rows` rows: the first half of the register (by credit code) with a changed short
    name, and as many new enterprises with valid codes, as XLSX."""
    from config.tables import write_xlsx
    from enterprises.credit_code import credit_code_make
    from enterprises.imports.tables import SHEET, export_rows, headers
    from enterprises.models import Enterprise

    queryset = Enterprise.objects.order_by("credit_code")[:rows]
    table = []
    for index, row in enumerate(export_rows(kind="enterprises", queryset=queryset)):
        if index % 2:
            row[0] = credit_code_make(serial=NEW_CODE_BASE + index, division="110108")
            row[1] = f"导入基准新企业{index:05d}有限公司"
        else:
            row[2] = f"{row[2] or ''}新"[:64]
        table.append(row)
    return write_xlsx(itertools.chain([headers("enterprises")], table), sheet=SHEET)


def main(argv=None) -> None:
    """Run one export or import job and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.file_jobs", description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["export", "import"])
    parser.add_argument("--user", required=True, help="username of the bureau user who runs the job")
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the import (default 10000)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    check_database_url(parser, args.database_url)
    setup_django(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db.models import F, Func

    from registry.choices import FileFormat, FileJobKind, FileSubject
    from registry.models import FileJob
    from registry.services import file_job_execute

    user = get_user_model().objects.get(username=args.user)
    data = import_file(args.rows) if args.kind == "import" else None
    before = peak_rss_mb()
    job = FileJob.objects.create(kind=FileJobKind(args.kind), subject=FileSubject.ENTERPRISES,
                                 file_format=FileFormat.XLSX, started_by=user, data=data,
                                 file_name="bench.xlsx" if data else "")
    start = time.perf_counter()
    file_job_execute(job_id=job.pk)
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()  # before the file is read back (below, only its size is)
    job = FileJob.objects.defer("data").annotate(size=Func(F("data"), function="octet_length")).get(pk=job.pk)
    print("FILEJOB " + json.dumps({
        "kind": args.kind, "status": job.status, "error": job.error[:300], "seconds": round(seconds, 2),
        "rows": job.total, "report": {k: v for k, v in job.report.items() if k != "errors"},
        "bytes": (job.size or 0) if args.kind == "export" else len(data),
        "peak_rss_mb": round(peak, 1), "rss_before_job_mb": round(before, 1),
    }), flush=True)


if __name__ == "__main__":
    main()

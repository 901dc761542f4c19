"""Sending a task: the report runs and file jobs (registry.services) and a round's notices (enterprises.notices) send
the same way, through config.celery.task_send on a connection of `send_options()` — a broker that accepts the
connection and never answers costs the sockets' timeouts (BROKER_CHECK_TIMEOUT), not a hung request or worker."""

import datetime
import logging
import socket
import threading
import time

import pytest
from django.utils import timezone

from config.celery import app
from enterprises import declarations
from enterprises.choices import Tier
from enterprises.models import DeclarationRound

from .factories import bureau_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def test_a_rounds_notices_meet_a_hung_broker_within_the_send_timeouts(caplog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        declaration_round = declarations.round_open(
            user=bureau_user(), name="2026年第四季度", tier=Tier.INNOVATIVE, rule_set="2026", cadence="quarterly",
            opens=TODAY - 10 * DAY, closes=TODAY + 10 * DAY, review_starts=TODAY + 11 * DAY)
    assert len(queued) == 1  # the notices' send, after the commit
    done = threading.Event()
    with socket.socket() as silent, caplog.at_level(logging.ERROR, logger="enterprises.notices"):
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes the handshakes; nothing ever reads or writes
        app.conf.broker_write_url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        try:
            started = time.monotonic()
            sender = threading.Thread(target=lambda: (queued[0](), done.set()), daemon=True)
            sender.start()
            sender.join(timeout=5)
            took = time.monotonic() - started
        finally:
            app.conf.broker_write_url = None
    assert done.is_set(), "the round's notices hung on a broker that never answers"
    assert took < 2  # one retry: at most a few socket timeouts of BROKER_CHECK_TIMEOUT (0.25 s)
    assert f"round notices of round {declaration_round.pk} (opened) not queued" in caplog.text
    assert DeclarationRound.objects.filter(pk=declaration_round.pk).exists()  # the round stands

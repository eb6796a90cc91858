"""Text messages through a pluggable backend, chosen like Django's e-mail backends:
settings.GRIDGOV_SMS_BACKEND is a dotted path (the environment variable of the same name sets
it). The console backend prints, the file backend writes one file per message under var/sms/
(the demo's and the benchmark's), the locmem backend keeps them in `outbox` (the tests')."""

import json
import os
import sys
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "gridgov.appointments.sms.ConsoleBackend"

# What the locmem backend has sent, oldest first: dicts of "to" and "text".
outbox: list[dict] = []
_outbox_lock = threading.Lock()


def backend_path() -> str:
    return getattr(settings, "GRIDGOV_SMS_BACKEND", "") or os.environ.get(
        "GRIDGOV_SMS_BACKEND", DEFAULT_BACKEND
    )


def send_sms(to: str, text: str) -> None:
    import_string(backend_path())().send(to, text)


class ConsoleBackend:
    def send(self, to: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {to}] {text}\n")
        sys.stdout.flush()


class FileBackend:
    """One JSON file per message in settings.GRIDGOV_SMS_FILE_PATH (var/sms/ by default)."""

    def folder(self) -> Path:
        configured = getattr(settings, "GRIDGOV_SMS_FILE_PATH", "")
        return Path(configured or Path(settings.VAR_DIR) / "sms")

    def send(self, to: str, text: str) -> None:
        folder = self.folder()
        folder.mkdir(parents=True, exist_ok=True)
        at = timezone.now()
        message = {"to": to, "text": text, "at": at.isoformat()}
        name = f"{at:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.json"
        (folder / name).write_text(json.dumps(message, ensure_ascii=False), encoding="utf-8")


class LocmemBackend:
    def send(self, to: str, text: str) -> None:
        with _outbox_lock:
            outbox.append({"to": to, "text": text})

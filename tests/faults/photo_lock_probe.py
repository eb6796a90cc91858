"""Run by test_photos_and_the_write_lock in a process of its own, against a file SQLite
database (the suite's own test database is in memory, where locks behave otherwise).

Several people upload large photos with an Idempotency-Key (threads of this process) while
another person files small reports (from a second process, as from another web worker);
prints, as JSON, how long each small report took and what the uploads got.

    python tests/faults/photo_lock_probe.py MEDIA_DIR UPLOADER WRITER LON LAT
(with DATABASE_URL naming the file database)."""

import io
import json
import os
import subprocess
import sys
import threading
import time

import django

BIG_SIDE = 7700  # 59 MP: a photo just under the per-photo limit
# In parallel, two big photos each (within the per-request budget): as many as the cores of a
# small server, like its web workers.
UPLOADERS = 2


def main(media, uploader_name, writer_name, lon, lat):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings.test")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from PIL import Image

    from gridgov.accounts.models import User

    settings.MEDIA_ROOT = media
    settings.ALLOWED_HOSTS = ["testserver"]  # the test client's name
    out = io.BytesIO()
    Image.new("RGB", (BIG_SIDE, BIG_SIDE), (30, 120, 200)).save(out, format="PNG")
    big = out.getvalue()

    def client_for(username):
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    body = {"title": "井盖缺失", "category": "0105", "lon": lon, "lat": lat}
    uploader = client_for(uploader_name)
    connection.close()
    results = {"uploads": [], "small_writes": []}

    def upload(n, photos):
        try:
            files = [io.BytesIO(big) for _ in range(photos)]
            for i, f in enumerate(files):
                f.name = f"big-{n}-{i}.png"
            started = time.monotonic()
            response = uploader.post(
                "/api/v1/events", {**body, "photos": files}, HTTP_IDEMPOTENCY_KEY=f"big-{n}"
            )
            results["uploads"].append(
                {
                    "photos": photos,
                    "status": response.status_code,
                    "seconds": round(time.monotonic() - started, 2),
                    "answer": response.content.decode()[:300],
                }
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(n, 2)) for n in range(UPLOADERS)]
    threads.append(threading.Thread(target=upload, args=(UPLOADERS, 9)))  # over the budget
    # The small writes come from another process, as from another gunicorn worker.
    stop_file = os.path.join(media, "stop")
    writer_process = subprocess.Popen(  # noqa: S603 - this same probe
        [sys.executable, __file__, "--writer", writer_name, json.dumps(body), stop_file],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert writer_process.stdout.readline().strip() == "ready"
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    open(stop_file, "w").close()
    results["small_writes"] = json.loads(writer_process.communicate(timeout=60)[0])
    print(json.dumps(results))


def writer(writer_name, body, stop_file):
    """Small reports, one after another, until the stop file appears; their times as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings.test")
    django.setup()
    from django.conf import settings
    from django.test import Client

    from gridgov.accounts.models import User

    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.force_login(User.objects.get(username=writer_name))
    # Once before the clock starts: the first request of a process loads the grid index.
    assert client.post("/api/v1/events", body, content_type="application/json").status_code == 201
    print("ready", flush=True)
    time.sleep(1.0)  # the uploads are decoding by now
    writes = []
    while not os.path.exists(stop_file):
        started = time.monotonic()
        response = client.post("/api/v1/events", body, content_type="application/json")
        writes.append(
            {"status": response.status_code, "seconds": round(time.monotonic() - started, 3),
             "answer": response.content.decode()[:300]}
        )  # fmt: skip
        time.sleep(0.2)
    print(json.dumps(writes))


if __name__ == "__main__":
    if sys.argv[1] == "--writer":
        writer(sys.argv[2], json.loads(sys.argv[3]), sys.argv[4])
    else:
        main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))

"""Run by test_photos_and_the_write_lock in a process of its own, against a file SQLite
database (the suite's own test database is in memory, where locks behave otherwise).

Several people upload large photos with an Idempotency-Key while another person files small
reports; prints, as JSON, how long each small report took and what the uploads got.

    python tests/faults/photo_lock_probe.py MEDIA_DIR UPLOADER WRITER LON LAT
(with DATABASE_URL naming the file database)."""

import io
import json
import os
import sys
import threading
import time

import django

BIG_SIDE = 7700  # 59 MP: a photo just under the per-photo limit
UPLOADERS = 3  # in parallel, two big photos each (within the per-request budget)


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
    uploader, writer = client_for(uploader_name), client_for(writer_name)
    # Once before the clock starts: the first request of a process loads the grid index.
    assert writer.post("/api/v1/events", body, content_type="application/json").status_code == 201
    connection.close()
    results = {"uploads": [], "small_writes": []}
    done = threading.Event()

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

    def small_writes():
        try:
            time.sleep(0.5)  # the uploads are decoding by now
            while not done.is_set():
                started = time.monotonic()
                response = writer.post("/api/v1/events", body, content_type="application/json")
                results["small_writes"].append(
                    {
                        "status": response.status_code,
                        "seconds": round(time.monotonic() - started, 3),
                        "answer": response.content.decode()[:300],
                    }
                )
                time.sleep(0.2)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(n, 2)) for n in range(UPLOADERS)]
    threads.append(threading.Thread(target=upload, args=(UPLOADERS, 9)))  # over the budget
    writer_thread = threading.Thread(target=small_writes)
    for thread in [*threads, writer_thread]:
        thread.start()
    for thread in threads:
        thread.join(300)
    done.set()
    writer_thread.join(60)
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))

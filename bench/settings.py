"""Settings for the benchmarks: the application's own settings, plus what a measurement needs.

- DEBUG off (with DEBUG on Django keeps every query in memory and renders debug pages);
- the URLconf adds one bare endpoint (`bench.urls`), the framework's own ceiling for (c);
- no throttle on token sign-in: every load user signs in from 127.0.0.1 before the load starts;
- quieter logs;
- uploaded photos (H7's mix) go to a directory of their own under the system's temporary directory.

Everything else — middleware, authentication, session policy, audit, idempotency — is the
application's, so the figures are the application's.
"""

import os
import tempfile
import warnings
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import LOGGING  # explicit for the linter

# whitenoise warns at start-up when collectstatic has not run; the benchmarks serve no static file.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SAFEGRID_LOGIN_RATE = ""  # LoginThrottle.get_rate: "" → no throttle
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}
MEDIA_ROOT = Path(
    os.environ.get("SAFEGRID_BENCH_MEDIA_ROOT", Path(tempfile.gettempdir()) / "safegrid-bench-media")
)

"""What Open311 brings to the platform: the demo's services, and refusals in the spec's
error shape.

Read once at start-up (`gridgov.core.apps`).
"""

from gridgov.core.registry import DemoStep, register_demo, register_error_format

from .demo import load_demo_services
from .formats import error

# The services are the public classes of the events' catalogue.
register_demo(DemoStep("services", lambda demo: load_demo_services(actor=demo.actor), ("events",)))
register_error_format(
    "/open311/",
    lambda request, status, message: error(request.path_info.rsplit(".", 1)[-1], status, message),
)

from django.apps import AppConfig


class ErrandsConfig(AppConfig):
    """A kind of work item that exists only in the tests: proof that a new kind is a table, a
    model and a scope rule, and that the pages, API and OpenAPI description follow."""

    name = "tests.errands"
    label = "errands"

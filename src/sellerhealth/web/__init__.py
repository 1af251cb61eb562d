"""The web face: FastAPI serving the JSON API and the dashboard; thin, like the CLI."""

from sellerhealth.web.app import create_app

__all__ = ["create_app"]

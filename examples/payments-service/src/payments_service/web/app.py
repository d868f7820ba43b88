"""Flask application factory."""

from __future__ import annotations

import logging

from flask import Flask, Response, g

from payments_service.db.repository import SessionLocal

logger = logging.getLogger(__name__)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["JSON_SORT_KEYS"] = False
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024

    from payments_service.web.routes import bp

    app.register_blueprint(bp)

    @app.before_request
    def open_session() -> None:
        g.db = SessionLocal()

    @app.teardown_request
    def close_session(exc: BaseException | None) -> None:
        db = g.pop("db", None)
        if db is None:
            return
        try:
            if exc is not None:
                db.rollback()
            db.close()
        except Exception:
            pass

    @app.after_request
    def add_cors_headers(response: Response) -> Response:
        # the merchant dashboard is served from several subdomains
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        return response

    return app


app = create_app()


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    app.run(debug=True, host="0.0.0.0", port=8000)


if __name__ == "__main__":
    main()

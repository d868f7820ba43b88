"""Code that mature libraries write and the taint rules must leave alone (the false positives
judged on requests, flask and django), each next to the flow that stays reported."""

from __future__ import annotations

import textwrap
from pathlib import Path

from prodgate.api import check
from prodgate.core.config import load_config
from prodgate.core.rule import expected_annotations


def scan(files: dict[str, str], tmp_path: Path) -> list[tuple[str, int, str, str]]:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'site'\nrequires-python = '>=3.10'\n")
    for name, source in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(source), encoding="utf-8")
    result = check([tmp_path], load_config(tmp_path), select=["PG6", "PG7"], use_cache=False, jobs=1)
    assert not result.unanalysed
    return sorted((f.path, f.line, f.rule, f.message) for f in result.findings)


def assert_flags(source: str, tmp_path: Path, path: str = "app.py") -> None:
    found = [(line, rule) for _, line, rule, _ in scan({path: source}, tmp_path)]
    assert found == sorted(expected_annotations(textwrap.dedent(source))["error"])


def test_flask_json_views_and_converted_route_values(tmp_path: Path) -> None:
    assert_flags('''
        from celery.result import AsyncResult
        from flask import Blueprint, request

        bp = Blueprint("tasks", __name__)


        @bp.get("/result/<id>")
        def result(id: str) -> dict[str, object]:
            task = AsyncResult(id)
            return {"ready": task.ready(), "value": task.result}


        @bp.post("/add")
        def add():
            a = request.form.get("a", type=int)
            return f"<p>{a}</p>", 201


        @bp.route("/page/<int:page>")
        def page(page):
            return "<h1>Page " + str(page) + "</h1>"


        @bp.route("/items/{item_id:int}")
        def item(item_id):
            return f"<h1>{item_id}</h1>"


        @bp.route("/label/<label>")
        def label(label):
            return {"label": label}, 200


        @bp.route("/name/<name>")
        def name(name):
            return f"<h1>{name}</h1>"  # error: PG710


        @bp.route("/pick/<int:first>/<string:second>")
        def pick(first, second):
            return f"<p>{first}{request.form.get('note')}</p>"  # error: PG710
        ''', tmp_path)


def test_outgoing_prepared_request_is_not_an_incoming_request(tmp_path: Path) -> None:
    assert_flags('''
        from django.http import HttpRequest, HttpResponse
        from requests.models import PreparedRequest


        def build_header(url):
            return f"Digest uri={url}"


        class DigestAuth:
            def __call__(self, r: PreparedRequest) -> PreparedRequest:
                r.headers["Authorization"] = build_header(r.url)
                return r


        def download(request: HttpRequest) -> HttpResponse:
            response = HttpResponse(b"")
            response.headers["Content-Disposition"] = "attachment; filename=" + request.GET["name"]  # error: PG706
            return response
        ''', tmp_path)


def test_login_stores_the_id_read_from_the_database(tmp_path: Path) -> None:
    assert_flags('''
        import sqlite3

        from flask import Flask, flash, redirect, request, session

        app = Flask(__name__)  # error: PG719


        @app.route("/login", methods=("POST",))
        def login():
            db = sqlite3.connect("app.db")
            username = request.form["username"]
            user = db.execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()
            if user is None:
                flash(f"No user {username}.")
                return redirect("/login")
            session["user_id"] = user["id"]
            return redirect("/")


        @app.route("/remember", methods=("POST",))
        def remember():
            session["user_id"] = request.form["user_id"]  # error: PG713
            return redirect("/")
        ''', tmp_path)


def test_django_templates_escape_what_they_render(tmp_path: Path) -> None:
    assert_flags('''
        from django.http import HttpResponse
        from django.template import Context, Template, loader


        def greeting(request):
            template = Template("<p>Hello {{ name }}</p>")
            return HttpResponse(template.render(Context({"name": request.GET["name"]})))


        def profile(request):
            page = loader.get_template("profile.html").render({"name": request.GET["name"]}, request)
            return HttpResponse(page)


        def preview(request):
            template = Template(request.POST["template"])
            return HttpResponse(template.render(Context({})))  # error: PG710


        def farewell(request):
            return HttpResponse("<p>Bye %s</p>" % request.GET["name"])  # error: PG710
        ''', tmp_path)


DEBUG = '''
    from django.http import HttpResponse


    def get_reporter_class(request):
        return getattr(request, "exception_reporter_class", None)


    def technical_500_response(request, exc_type, exc_value, tb, status_code=500):
        reporter = get_reporter_class(request)(request, exc_type, exc_value, tb)
        return HttpResponse(reporter.get_traceback_html(), status=status_code)


    def echo_response(request, text):
        return HttpResponse(text)
'''


def test_django_debug_page_escapes_the_request_it_shows(tmp_path: Path) -> None:
    found = scan({
        "django/__init__.py": "",
        "django/views/__init__.py": "",
        "django/views/debug.py": DEBUG,
        "django/core/__init__.py": "",
        "django/core/handlers/__init__.py": "",
        "django/core/handlers/exception.py": '''
            import sys

            from django.views import debug


            def handle_uncaught_exception(request, resolver, exc_info):
                return debug.technical_500_response(request, *exc_info)


            def handle_bad_request(request):
                return debug.echo_response(request, request.GET["q"])
            ''',
    }, tmp_path)
    assert [(path, line, rule) for path, line, rule, _ in found] == [("django/core/handlers/exception.py", 12, "PG710")]
    assert found[0][3].startswith("untrusted request.GET is written into the django.views.debug.echo_response")


def test_django_login_redirect_carries_the_next_page_in_its_query(tmp_path: Path) -> None:
    found = scan({
        "django/__init__.py": "",
        "django/contrib/__init__.py": "",
        "django/contrib/auth/__init__.py": "",
        "django/contrib/auth/views.py": """
            from urllib.parse import urlsplit, urlunsplit

            from django.http import HttpResponseRedirect, QueryDict


            def redirect_to_login(next, login_url="/accounts/login/"):
                login_url_parts = list(urlsplit(login_url))
                querystring = QueryDict(login_url_parts[3], mutable=True)
                querystring["next"] = next
                login_url_parts[3] = querystring.urlencode(safe="/")
                return HttpResponseRedirect(urlunsplit(login_url_parts))
            """,
        "django/contrib/flatpages/__init__.py": "",
        "django/contrib/flatpages/views.py": """
            from django.contrib.auth.views import redirect_to_login


            def render_flatpage(request, f):
                if f.registration_required and not request.user.is_authenticated:
                    return redirect_to_login(request.path)


            def login_elsewhere(request):
                return redirect_to_login("/", request.GET["login"])
            """,
    }, tmp_path)
    assert [(path, line, rule) for path, line, rule, _ in found] == [("django/contrib/flatpages/views.py", 11, "PG711")]


def test_test_files_are_not_analysed(tmp_path: Path) -> None:
    view = '''
        from flask import Flask, request

        app = Flask(__name__)


        @app.route("/echo")
        def echo():
            return request.args["q"]
        '''
    assert scan({"tests/test_echo.py": view, "conftest.py": view}, tmp_path) == []


def test_redirect_through_a_project_function_after_validation(tmp_path: Path) -> None:
    found = scan({
        "shop/__init__.py": "",
        "shop/urls.py": """
            from urllib.parse import urlsplit, urlunsplit

            from django.utils.translation import override


            def translate_url(url, lang_code):
                parsed = urlsplit(url)
                with override(lang_code):
                    return urlunsplit((parsed.scheme, parsed.netloc, parsed.path, "", ""))
            """,
        "shop/views.py": """
            from django.contrib.sites.shortcuts import get_current_site
            from django.http import HttpResponseRedirect
            from django.utils.encoding import iri_to_uri
            from django.utils.http import url_has_allowed_host_and_scheme

            from shop.urls import translate_url


            def set_language(request):
                next_url = request.POST.get("next")
                if not url_has_allowed_host_and_scheme(url=next_url, allowed_hosts={request.get_host()}):
                    next_url = "/"
                return HttpResponseRedirect(translate_url(next_url, request.POST["language"]))


            def switch_language(request):
                return HttpResponseRedirect(translate_url(request.POST["next"], "en"))


            def current_site(request):
                return HttpResponseRedirect("https://%s/" % request.get_host())


            def home_site(request):
                site = get_current_site(request)
                return HttpResponseRedirect("%s://%s/" % (request.scheme, site.domain))


            def next_page(request):
                return HttpResponseRedirect(iri_to_uri(request.GET["next"]))
            """,
    }, tmp_path)
    assert [(path, line, rule) for path, line, rule, _ in found] == [("shop/views.py", 18, "PG711"),
                                                                    ("shop/views.py", 31, "PG711")]


def test_project_function_given_the_request_object(tmp_path: Path) -> None:
    found = scan({
        "sites/__init__.py": "",
        "sites/shortcuts.py": """
            from django.apps import apps

            from sites.requests import RequestSite


            def get_current_site(request):
                if apps.is_installed("sites"):
                    from sites.models import Site

                    return Site.objects.get_current(request)
                return RequestSite(request)


            def next_page(request):
                return request.GET["next"]
            """,
        "sites/requests.py": """
            class RequestSite:
                def __init__(self, request):
                    self.domain = self.name = request.get_host()
            """,
        "sites/views.py": """
            from django.http import HttpResponseRedirect

            from sites.shortcuts import get_current_site, next_page


            def shortcut(request, path):
                object_domain = get_current_site(request).domain
                return HttpResponseRedirect("%s://%s%s" % (request.scheme, object_domain, path))


            def go_next(request):
                return HttpResponseRedirect(next_page(request))
            """,
    }, tmp_path)
    assert [(path, line, rule) for path, line, rule, _ in found] == [("sites/views.py", 13, "PG711")]

from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedNosqlQuery(TaintRule):
    """
    ## What it does
    Finds untrusted input that can add operators to a MongoDB query (pymongo, Motor,
    Flask-PyMongo): a whole document parsed from the request, an object where a plain value
    was expected, a key taken from input, or input in the JavaScript of `$where`; and input
    in the text of a DynamoDB expression (`FilterExpression`, `KeyConditionExpression`...).

    The query is the filter of `find`, `find_one`, `count_documents`, `update_*`, `delete_*`,
    `replace_one`, `find_one_and_*` and `distinct`, or an `aggregate` pipeline. Documents
    parsed from the request are `request.get_json()`, `request.json`, `json.loads(...)` of
    any input, and handler parameters typed as a body (`dict`, a model); `$function` and
    `$accumulator` run JavaScript as `$where` does.

    A DynamoDB expression is text in a query language: input written into it changes the
    condition as in SQL, so any input counts there, and a parameter of a public function no
    project code calls counts as input (with medium confidence) when the expression around
    it has a comparison or `AND`/`OR`.

    Not reported: query string, form, header, cookie and path values (always text, which
    cannot carry an operator object), values converted with `str()`, `int()` or an f-string
    inside a literal document with constant keys, and route parameters (path and query
    parameters are text) unless annotated as a body (`dict`, a model).

    ## Why is this bad
    A JSON body `{"password": {"$ne": null}}` turns a login check into "any user whose
    password is not null"; `{"$where": "sleep(10000)"}` runs attacker JavaScript on the
    database; a key from input can name `$where` or `$regex` itself. The query returns or
    changes documents the caller was never meant to reach.

    ## Example
    ```python
    @app.post("/login")
    def login():
        data = request.get_json()
        user = db.users.find_one({"name": data["name"], "password": data["password"]})
    ```

    ## Use instead
    ```python
    @app.post("/login")
    def login():
        data = request.get_json()
        user = db.users.find_one({"name": str(data["name"]), "password": str(data["password"])})
    ```
    Build query documents with constant keys, convert each value from input to the type the
    field holds, and never put input into `$where` (use `$expr` with fixed code and
    parameters instead). In DynamoDB, put values in `ExpressionAttributeValues` and names in
    `ExpressionAttributeNames`, or build the condition with `boto3.dynamodb.conditions`.

    ## Known limitations
    Only modules that import a MongoDB driver are checked (`collection.find` shares its name
    with `str.find`). A value parsed from text and then read field by field (`json.loads(q)["name"]`)
    is judged by its source, so text parsed from a query string is missed there.
    Validation by a schema (pydantic, marshmallow) is not recognised unless it types the
    handler's parameter.

    ## References
    - https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/05.6-Testing_for_NoSQL_Injection
    - https://www.mongodb.com/docs/manual/faq/fundamentals/#how-does-mongodb-address-sql-or-query-injection-
    """

    meta = RuleMeta(
        code="PG718",
        name="tainted-nosql-query",
        category="security.injection.other",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.NOSQL_INJECTION,),
        message="untrusted {source} can add operators to the query of `{sink}`, so an attacker can change which documents it matches",
        tags=("taint",),
    )
    sink = "nosql"

    flagged = (
        """
        from flask import Flask, request
        from pymongo import MongoClient

        app = Flask(__name__)
        db = MongoClient()["shop"]

        @app.post("/login")
        def login():
            data = request.get_json()
            user = db.users.find_one({"name": data["name"], "password": data["password"]})  # error: PG718
            return {"ok": user is not None}

        @app.post("/orders/search")
        def search_orders():
            return {"count": db.orders.count_documents(request.get_json())}  # error: PG718

        @app.get("/products")
        def products():
            field = request.args.get("sort", "name")
            return {"items": list(db.products.find({field: request.args["value"]}))}  # error: PG718

        @app.get("/users/active")
        def active_users():
            name = request.args["name"]
            return {"n": db.users.count_documents({"$where": f"this.name == '{name}'"})}  # error: PG718
        """,
        """
        import json

        from fastapi import FastAPI
        from motor.motor_asyncio import AsyncIOMotorClient

        app = FastAPI()
        db = AsyncIOMotorClient().inventory

        @app.post("/items/delete")
        async def delete_items(filters: dict):
            result = await db.items.delete_many(filters)  # error: PG718
            return {"deleted": result.deleted_count}

        @app.get("/items/report")
        async def report(q: str):
            pipeline = [{"$match": json.loads(q)}, {"$group": {"_id": "$kind", "n": {"$sum": 1}}}]
            return await db.items.aggregate(pipeline).to_list(100)  # error: PG718
        """,
        """
        import boto3
        from flask import Flask, request

        app = Flask(__name__)
        table = boto3.resource("dynamodb").Table("users")

        @app.get("/users")
        def users():
            role = request.args["role"]
            return table.scan(FilterExpression="role = " + role)["Items"]  # error: PG718

        def get_user(username, password):
            return boto3.client("dynamodb").scan(  # error: PG718
                FilterExpression=username + " = :u AND password = :p",
                ExpressionAttributeValues={":u": {"S": username}, ":p": {"S": password}},
                TableName="users",
            )
        """,
    )
    clean = (
        """
        from flask import Flask, request
        from pymongo import MongoClient

        app = Flask(__name__)
        db = MongoClient()["shop"]

        @app.post("/login")
        def login():
            data = request.get_json()
            user = db.users.find_one({"name": str(data["name"]), "password": str(data["password"])})
            return {"ok": user is not None}

        @app.get("/products")
        def products():
            page = int(request.args.get("page", 0))
            name = request.args["name"]
            found = db.products.find({"name": name, "kind": request.form.get("kind")}).skip(page * 20)
            return {"items": list(found), "first": request.args["q"].find("x")}

        @app.post("/orders/<order_id>")
        def update_order(order_id):
            body = request.get_json()
            db.orders.update_one({"_id": order_id}, {"$set": {"note": f"{body['note']}"}})
            return {"ok": True}
        """,
        """
        from fastapi import FastAPI
        from motor.motor_asyncio import AsyncIOMotorClient

        app = FastAPI()
        db = AsyncIOMotorClient().inventory

        @app.get("/items/{kind}")
        async def items(kind: str, limit: int = 20):
            return await db.items.find({"kind": kind}).to_list(limit)
        """,
        """
        import boto3
        from boto3.dynamodb.conditions import Attr
        from flask import Flask, request

        app = Flask(__name__)
        table = boto3.resource("dynamodb").Table("users")

        @app.get("/users")
        def users():
            role = request.args["role"]
            found = table.scan(FilterExpression="#r = :r", ExpressionAttributeNames={"#r": "role"},
                               ExpressionAttributeValues={":r": role})
            return found["Items"] + table.scan(FilterExpression=Attr("role").eq(role))["Items"]
        """,
    )

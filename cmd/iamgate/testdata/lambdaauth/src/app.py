import json


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"path": event["path"], "authorizer": event["requestContext"].get("authorizer")}, sort_keys=True)}

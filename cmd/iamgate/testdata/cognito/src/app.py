import json


def handler(event, context):
    # Echo what the authorizer passed on (REST: claims; HTTP API: jwt).
    return {"statusCode": 200, "body": json.dumps(event["requestContext"].get("authorizer"))}

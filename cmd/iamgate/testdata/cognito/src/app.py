import json


def handler(event, context):
    # Echo what the Cognito authorizer passed on.
    return {"statusCode": 200, "body": json.dumps(event["requestContext"].get("authorizer"))}

import json


def handler(event, context):
    ctx = event["requestContext"]
    iam = (ctx.get("authorizer") or {}).get("iam") or {}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({
            "version": event["version"],
            "routeKey": event["routeKey"],
            "rawPath": event["rawPath"],
            "method": ctx["http"]["method"],
            "query": event.get("queryStringParameters"),
            "body": event.get("body"),
            "caller": iam.get("userArn"),
            "function": context.invoked_function_arn,
        }, sort_keys=True),
    }

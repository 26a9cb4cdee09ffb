import json


def handler(event, context):
    # Echo what API Gateway passed, so tests see routing and stage variables.
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({
            "resource": event["resource"],
            "path": event["path"],
            "pathParameters": event.get("pathParameters"),
            "stageVariables": event.get("stageVariables"),
            "body": event.get("body"),
        }, sort_keys=True),
    }

# Walks name variants that could become paths through the real API with
# botocore (what the aws CLI uses), one process for every call. Prints one
# JSON object: for each call, the AWS error code, or "ok".
# Used by TestNoAPICallTouchesFilesOutsideTheDataDir.
import io
import json
import os
import sys
import zipfile

import botocore.config
import botocore.exceptions
import botocore.handlers
import botocore.session

endpoint = os.environ["AWS_ENDPOINT_URL"]
session = botocore.session.get_session()
# No client-side validation: the server must refuse what AWS refuses.
cfg = botocore.config.Config(parameter_validation=False, retries={"max_attempts": 1})


def client(name):
    return session.create_client(name, endpoint_url=endpoint, region_name="us-east-1", config=cfg)


lam, s3, iam, logs, cfn = client("lambda"), client("s3"), client("iam"), client("logs"), client("cloudformation")
# botocore checks bucket names itself; the server must, whatever the client.
s3.meta.events.unregister("before-parameter-build.s3", botocore.handlers.validate_bucket_name)
results = {}


def call(label, fn, **kw):
    try:
        fn(**kw)
        results[label] = "ok"
    except botocore.exceptions.ClientError as e:
        results[label] = e.response["Error"]["Code"]
    except Exception as e:  # a transport failure is a finding too
        results[label] = "exception " + type(e).__name__


buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("app.py", "def h(event, context):\n    return {'ok': True}\n")
code = buf.getvalue()
trust = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
role = iam.create_role(RoleName="probe-role", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
call("create good", lam.create_function, FunctionName="good", Runtime="python3.11", Role=role,
     Handler="app.h", Code={"ZipFile": code}, Environment={"Variables": {"SECRET_VALUE": "probe-env-secret-42"}})

names = json.loads(sys.argv[1])
for n in names:
    call("create " + n, lam.create_function, FunctionName=n, Runtime="python3.11", Role=role,
         Handler="app.h", Code={"ZipFile": code})
    call("update-code " + n, lam.update_function_code, FunctionName=n, ZipFile=code)
    call("get " + n, lam.get_function, FunctionName=n)
    call("invoke " + n, lam.invoke, FunctionName=n, Payload=b"{}")
    call("add-permission " + n, lam.add_permission, FunctionName=n, StatementId="s",
         Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    call("delete " + n, lam.delete_function, FunctionName=n)
    call("create-bucket " + n, s3.create_bucket, Bucket=n)
    call("create-log-group " + n, logs.create_log_group, logGroupName=n)
    call("create-stack " + n, cfn.create_stack, StackName=n, TemplateBody=json.dumps(
        {"Resources": {"G": {"Type": "AWS::Logs::LogGroup"}}}))

call("create-bucket probe-bucket", s3.create_bucket, Bucket="probe-bucket")
for n in names:
    call("put-object " + n, s3.put_object, Bucket="probe-bucket", Key=n, Body=b"x")
    call("get-object " + n, s3.get_object, Bucket="probe-bucket", Key=n)
    call("delete-object " + n, s3.delete_object, Bucket="probe-bucket", Key=n)
call("invoke good", lam.invoke, FunctionName="good", Payload=b"{}")
call("get good", lam.get_function, FunctionName="good")
json.dump(results, sys.stdout, sort_keys=True)

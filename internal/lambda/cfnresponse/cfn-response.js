// cfn-response: the module CloudFormation adds to inline (ZipFile) Node.js
// functions that require('cfn-response'), written for iamgate from its
// documented interface
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-lambda-function-code-cfnresponsemodule.html):
// send() PUTs a custom resource's answer to the request's ResponseURL, then
// ends the invocation through context.done when the runtime offers it. It
// also returns a promise, for async handlers.
"use strict";

exports.SUCCESS = "SUCCESS";
exports.FAILED = "FAILED";

exports.send = function (event, context, responseStatus, responseData, physicalResourceId, noEcho) {
  const stream = (context && context.logStreamName) || "";
  const body = JSON.stringify({
    Status: responseStatus,
    Reason: "See the details in CloudWatch Log Stream: " + stream,
    PhysicalResourceId: physicalResourceId || stream,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: noEcho || false,
    Data: responseData,
  });
  console.log("Response body:\n", body);
  const url = new URL(event.ResponseURL);
  const transport = url.protocol === "http:" ? require("http") : require("https");
  const finish = () => {
    if (context && typeof context.done === "function") {
      context.done();
    }
  };
  return new Promise((resolve) => {
    const request = transport.request({
      hostname: url.hostname,
      port: url.port || undefined,
      path: url.pathname + url.search,
      method: "PUT",
      headers: { "content-type": "", "content-length": Buffer.byteLength(body) },
    }, (response) => {
      console.log("Status code: " + response.statusCode);
      response.resume();
      response.on("end", () => { finish(); resolve(); });
    });
    request.on("error", (error) => {
      console.log("send(..) failed executing https.request(..): " + error);
      finish();
      resolve();
    });
    request.write(body);
    request.end();
  });
};

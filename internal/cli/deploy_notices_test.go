package cli

import "testing"

// TestBucketNotificationNotice: a template whose buckets would send S3 event
// notifications on AWS is told, before deploying, that iamgate accepts and
// does not deliver them; others hear nothing.
func TestBucketNotificationNotice(t *testing.T) {
	cases := map[string]struct{ body, want string }{
		"sam s3 event": {`Transform: AWS::Serverless-2016-10-31
Resources:
  Images: {Type: AWS::S3::Bucket}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Events:
        Up: {Type: S3, Properties: {Bucket: !Ref Images, Events: "s3:ObjectCreated:*"}}
`, "notice: S3 event notifications of Images are accepted but not delivered: iamgate's S3 does not send events, so no function is invoked on object changes"},
		"plain notification configuration": {`Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      NotificationConfiguration:
        LambdaConfigurations: [{Event: "s3:ObjectCreated:*", Function: arn:aws:lambda:us-east-1:000000000000:function:f}]
  A:
    Type: AWS::S3::Bucket
    Properties: {NotificationConfiguration: {EventBridgeConfiguration: {EventBridgeEnabled: true}}}
`, "notice: S3 event notifications of A, B are accepted but not delivered: iamgate's S3 does not send events, so no function is invoked on object changes"},
		"bucket without notifications": {"Resources:\n  B: {Type: AWS::S3::Bucket}\n", ""},
		"not a template":               {"[", ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if got := bucketNotificationNotice("template.yaml", []byte(c.body)); got != c.want {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}

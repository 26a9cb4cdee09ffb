package s3

import (
	"context"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

// TestCloudFormationBucketsAreTaken: CloudFormation's custom resource
// response buckets exist in another account, so creating one fails with
// BucketAlreadyExists, as S3 answers for a name someone else holds
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
func TestCloudFormationBucketsAreTaken(t *testing.T) {
	st := storetest.SQLite(t)
	s := New(st, "us-east-1", time.Now)
	for _, name := range []string{"cloudformation-custom-resource-response-useast1", "cloudformation-custom-resource-response-euwest3"} {
		if err := s.CreateBucket(context.Background(), name); !awserr.Is(err, BucketAlreadyExists) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := s.CreateBucket(context.Background(), "cloudformation-custom-resource-responses"); err != nil {
		t.Errorf("a name outside the prefix: %v", err)
	}
}

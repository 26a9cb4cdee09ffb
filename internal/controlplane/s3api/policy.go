package s3api

import (
	"io"
	"net/http"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/iampolicy"
)

// PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html):
// the policy is a resource-based policy document of at most 20 KB; a
// document that does not parse is MalformedPolicy.

const (
	MalformedPolicy awserr.Code = "MalformedPolicy"
	maxBucketPolicy             = 20 * 1024
)

func (c *call) putBucketPolicy() error {
	if err := c.authorize("s3:PutBucketPolicy", bucketARN(c.t.bucket)); err != nil {
		return err
	}
	b, err := io.ReadAll(io.LimitReader(c.r.Body, maxBucketPolicy+1))
	if err != nil {
		return err
	}
	if len(b) > maxBucketPolicy {
		return awserr.New(awserr.Code("PolicyTooLarge"), "Policies must be less than 20 KB")
	}
	if len(b) == 0 || b[0] != '{' {
		return awserr.New(MalformedPolicy, "Policies must be valid JSON and the first byte must be '{'")
	}
	if _, err := iampolicy.Parse(b, iampolicy.ResourcePolicy); err != nil {
		return awserr.New(MalformedPolicy, "%s", err.Error())
	}
	if err := c.h.o.Objects.PutBucketPolicy(c.ctx, c.t.bucket, string(b)); err != nil {
		return err
	}
	c.ok()
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

func (c *call) getBucketPolicy() error {
	if err := c.authorize("s3:GetBucketPolicy", bucketARN(c.t.bucket)); err != nil {
		return err
	}
	doc, err := c.h.o.Objects.GetBucketPolicy(c.ctx, c.t.bucket)
	if err != nil {
		return err
	}
	h := c.ok()
	h.Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(c.w, doc)
	return nil
}

func (c *call) deleteBucketPolicy() error {
	if err := c.authorize("s3:DeleteBucketPolicy", bucketARN(c.t.bucket)); err != nil {
		return err
	}
	if err := c.h.o.Objects.DeleteBucketPolicy(c.ctx, c.t.bucket); err != nil {
		return err
	}
	c.ok()
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

package s3api

import (
	"net/http"
	"sort"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
)

// listBuckets is ListBuckets: s3:ListAllMyBuckets, an action with no
// resource type, checked against arn:aws:s3:::* so that Resource "*" and
// arn.S3Bucket("*") both grant it.
func (c *call) listBuckets() error {
	if err := c.authorize("s3:ListAllMyBuckets", arn.S3Bucket("*")); err != nil {
		return err
	}
	bs, err := c.h.o.Objects.ListBuckets(c.ctx)
	if err != nil {
		return err
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].Name < bs[j].Name })
	res := listAllMyBucketsResult{NS: s3NS, Owner: c.h.owner, Buckets: []bucketEntry{}}
	for _, b := range bs {
		res.Buckets = append(res.Buckets, bucketEntry{Name: b.Name, CreationDate: iso(b.CreationDate)})
	}
	return c.writeXML(http.StatusOK, res)
}

// createBucket is CreateBucket, with or without a CreateBucketConfiguration
// body. Outside us-east-1 the constraint must name the endpoint's region;
// us-east-1 rejects an explicit "us-east-1" as S3 does. A missing
// constraint is accepted in any region so that tools which omit it work.
func (c *call) createBucket() error {
	if err := c.authorize("s3:CreateBucket", bucketARN(c.t.bucket)); err != nil {
		return err
	}
	if c.r.ContentLength != 0 {
		var cfg createBucketConfiguration
		if err := c.readXML(&cfg); err != nil {
			return err
		}
		if err := c.checkConstraint(cfg.LocationConstraint); err != nil {
			return err
		}
	}
	if err := c.h.o.Objects.CreateBucket(c.ctx, c.t.bucket); err != nil {
		// "For legacy compatibility, if you re-create an existing bucket
		// that you already own in the North Virginia Region, Amazon S3
		// returns 200 OK" (CreateBucket, BucketAlreadyOwnedByYou:
		// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html).
		if !awserr.Is(err, BucketAlreadyOwnedByYou) {
			return err
		}
		if b, herr := c.h.o.Objects.HeadBucket(c.ctx, c.t.bucket); herr != nil || b.Region != "us-east-1" {
			return err
		}
	}
	c.ok().Set("Location", "/"+c.t.bucket)
	return c.empty(http.StatusOK)
}

func (c *call) checkConstraint(lc string) error {
	region := c.h.o.Region
	switch {
	case lc == "":
		return nil
	case lc == "us-east-1" && region == "us-east-1":
		return awserr.New(InvalidLocationConstraint, "The specified location-constraint is not valid")
	case lc != region:
		return awserr.New(IllegalLocationConstraint,
			"The %s location constraint is incompatible for the region specific endpoint this request was sent to.", lc)
	}
	return nil
}

// headBucket is HeadBucket: s3:ListBucket on the bucket.
func (c *call) headBucket() error {
	if err := c.authorize("s3:ListBucket", bucketARN(c.t.bucket)); err != nil {
		return err
	}
	b, err := c.h.o.Objects.HeadBucket(c.ctx, c.t.bucket)
	if err != nil {
		return err
	}
	region := b.Region
	if region == "" {
		region = c.h.o.Region
	}
	c.ok().Set("x-amz-bucket-region", region)
	return c.empty(http.StatusOK)
}

// deleteBucket is DeleteBucket: 204 on success, BucketNotEmpty otherwise.
func (c *call) deleteBucket() error {
	if err := c.authorize("s3:DeleteBucket", bucketARN(c.t.bucket)); err != nil {
		return err
	}
	if err := c.h.o.Objects.DeleteBucket(c.ctx, c.t.bucket); err != nil {
		return err
	}
	return c.empty(http.StatusNoContent)
}

// getBucketLocation answers the bucket's region; us-east-1 is the empty
// constraint, as S3 reports it.
func (c *call) getBucketLocation() error {
	if err := c.authorize("s3:GetBucketLocation", bucketARN(c.t.bucket)); err != nil {
		return err
	}
	b, err := c.h.o.Objects.HeadBucket(c.ctx, c.t.bucket)
	if err != nil {
		return err
	}
	lc := b.Region
	if lc == "us-east-1" {
		lc = ""
	}
	return c.writeXML(http.StatusOK, locationConstraint{NS: s3NS, Value: lc})
}

package s3

import (
	"context"
	"errors"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// Bucket policies (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html):
// one resource-based policy per bucket, kept with the bucket and evaluated
// with every request on the bucket or its objects.

// NoSuchBucketPolicy is GetBucketPolicy's answer for a bucket without one.
const NoSuchBucketPolicy awserr.Code = "NoSuchBucketPolicy"

const kindPolicy = "s3/policy"

// PutBucketPolicy sets a bucket's policy document (validated by the caller).
func (s *Service) PutBucketPolicy(ctx context.Context, bucket, doc string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Get(ctx, kindBucket, bucket); errors.Is(err, store.ErrNotFound) {
			return awserr.New(NoSuchBucket, "The specified bucket does not exist")
		} else if err != nil {
			return err
		}
		return tx.Put(ctx, kindPolicy, bucket, []byte(doc))
	})
}

// BucketPolicy returns a bucket's policy, "" when it has none (or the
// bucket does not exist).
func (s *Service) BucketPolicy(ctx context.Context, bucket string) (string, error) {
	b, err := s.st.Get(ctx, kindPolicy, bucket)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return string(b), err
}

// GetBucketPolicy returns a bucket's policy or S3's NoSuchBucketPolicy.
func (s *Service) GetBucketPolicy(ctx context.Context, bucket string) (string, error) {
	if _, err := s.HeadBucket(ctx, bucket); err != nil {
		return "", err
	}
	doc, err := s.BucketPolicy(ctx, bucket)
	if err == nil && doc == "" {
		return "", awserr.New(NoSuchBucketPolicy, "The bucket policy does not exist")
	}
	return doc, err
}

// DeleteBucketPolicy removes a bucket's policy; none is not an error.
func (s *Service) DeleteBucketPolicy(ctx context.Context, bucket string) error {
	if _, err := s.HeadBucket(ctx, bucket); err != nil {
		return err
	}
	err := s.st.Delete(ctx, kindPolicy, bucket)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

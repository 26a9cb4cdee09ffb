package stack

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/s3"
)

// Buckets is what the S3 providers need; *s3.Service satisfies it.
type Buckets interface {
	CreateBucket(ctx context.Context, name string) error
	DeleteBucket(ctx context.Context, name string) error
	PutBucketPolicy(ctx context.Context, bucket, doc string) error
	DeleteBucketPolicy(ctx context.Context, bucket string) error
}

var _ Buckets = (*s3.Service)(nil)

// RegisterS3 adds AWS::S3::Bucket and AWS::S3::BucketPolicy on iamgate's S3.
// PolicyCheck validates a bucket policy document as S3 does (nil: none).
func (e *Engine) RegisterS3(b Buckets, policyCheck func(doc string) error) {
	g := &s3Guard{in: b}
	e.Register("AWS::S3::Bucket", &bucketProvider{b: g, region: e.region})
	e.Register("AWS::S3::BucketPolicy", &bucketPolicyProvider{b: g, check: policyCheck})
}

// bucketProvider is AWS::S3::Bucket
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html):
// Ref is the bucket name (BucketName, else {stack}-{logical id}-{random} in
// lower case); GetAtt Arn, DomainName, RegionalDomainName,
// DualStackDomainName and WebsiteURL. A bucket with objects fails to delete,
// as on AWS. Only the name is emulated: the configuration properties
// (versioning, encryption, lifecycle, notifications, CORS...) are accepted
// and not applied.
type bucketProvider struct {
	b      Buckets
	region string
}

func (p *bucketProvider) attrs(name string) map[string]any {
	return map[string]any{
		"Arn":                 arn.S3Bucket(name),
		"DomainName":          name + ".s3.amazonaws.com",
		"RegionalDomainName":  name + ".s3." + p.region + ".amazonaws.com",
		"DualStackDomainName": name + ".s3.dualstack." + p.region + ".amazonaws.com",
		"WebsiteURL":          "http://" + name + ".s3-website-" + p.region + ".amazonaws.com",
	}
}

func (p *bucketProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name := str(in.Props, "BucketName")
	if name == "" {
		name = strings.ToLower(physicalName(in.StackName, in.LogicalID, 63, false))
	}
	if err := p.b.CreateBucket(ctx, name); err != nil {
		if awserr.Is(err, s3.BucketAlreadyOwnedByYou) {
			return Result{}, awserr.New(awserr.Code("AlreadyExists"), "%s already exists", name)
		}
		return Result{}, err
	}
	return Result{PhysicalID: name, Attrs: p.attrs(name)}, nil
}

func (p *bucketProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if n := str(in.Props, "BucketName"); n != "" && n != prev.PhysicalID {
		return Result{}, ErrReplace
	}
	return Result{PhysicalID: prev.PhysicalID, Attrs: p.attrs(prev.PhysicalID)}, nil
}

func (p *bucketProvider) Delete(ctx context.Context, prev State) error {
	err := p.b.DeleteBucket(ctx, prev.PhysicalID)
	if awserr.Is(err, s3.NoSuchBucket) {
		return nil
	}
	return err
}

// bucketPolicyProvider is AWS::S3::BucketPolicy: the bucket's policy,
// enforced by iamgate's S3 on every request.
type bucketPolicyProvider struct {
	b     Buckets
	check func(string) error
}

func (p *bucketPolicyProvider) put(ctx context.Context, in *Input) (Result, error) {
	bucket := str(in.Props, "Bucket")
	var doc string
	switch d := in.Props["PolicyDocument"].(type) {
	case string:
		doc = d
	default:
		b, err := json.Marshal(d)
		if err != nil {
			return Result{}, err
		}
		doc = string(b)
	}
	if p.check != nil {
		if err := p.check(doc); err != nil {
			return Result{}, awserr.New(awserr.Code("MalformedPolicy"), "%s", err.Error())
		}
	}
	if err := p.b.PutBucketPolicy(ctx, bucket, doc); err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: bucket}, nil
}

func (p *bucketPolicyProvider) Create(ctx context.Context, in *Input) (Result, error) {
	return p.put(ctx, in)
}

func (p *bucketPolicyProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "Bucket") != prev.PhysicalID {
		return Result{}, ErrReplace
	}
	return p.put(ctx, in)
}

func (p *bucketPolicyProvider) Delete(ctx context.Context, prev State) error {
	err := p.b.DeleteBucketPolicy(ctx, prev.PhysicalID)
	if awserr.Is(err, s3.NoSuchBucket) {
		return nil
	}
	return err
}

// s3Guard authorizes each bucket call as the operation's actor, on
// arn:aws:s3:::BUCKET.
type s3Guard struct{ in Buckets }

func (g *s3Guard) on(ctx context.Context, action, bucket string) error {
	return allow(ctx, svcS3, action, arn.S3Bucket(bucket), "", nil)
}

func (g *s3Guard) CreateBucket(ctx context.Context, name string) error {
	if err := g.on(ctx, "s3:CreateBucket", name); err != nil {
		return err
	}
	return g.in.CreateBucket(ctx, name)
}

func (g *s3Guard) DeleteBucket(ctx context.Context, name string) error {
	if err := g.on(ctx, "s3:DeleteBucket", name); err != nil {
		return err
	}
	return g.in.DeleteBucket(ctx, name)
}

func (g *s3Guard) PutBucketPolicy(ctx context.Context, bucket, doc string) error {
	if err := g.on(ctx, "s3:PutBucketPolicy", bucket); err != nil {
		return err
	}
	return g.in.PutBucketPolicy(ctx, bucket, doc)
}

func (g *s3Guard) DeleteBucketPolicy(ctx context.Context, bucket string) error {
	if err := g.on(ctx, "s3:DeleteBucketPolicy", bucket); err != nil {
		return err
	}
	return g.in.DeleteBucketPolicy(ctx, bucket)
}

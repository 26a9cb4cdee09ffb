package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// Error codes S3 answers with.
const (
	NoSuchBucket            awserr.Code = "NoSuchBucket"
	NoSuchKey               awserr.Code = "NoSuchKey"
	BucketAlreadyOwnedByYou awserr.Code = "BucketAlreadyOwnedByYou"
	BucketNotEmpty          awserr.Code = "BucketNotEmpty"
	InvalidBucketName       awserr.Code = "InvalidBucketName"
	BucketAlreadyExists     awserr.Code = "BucketAlreadyExists"
)

// cloudFormationBuckets is the prefix of the buckets CloudFormation owns
// for custom resources' answers (package responsebucket serves them): no
// account can have one.
const cloudFormationBuckets = "cloudformation-custom-resource-response-"

const (
	kindBucket = "s3/bucket"
	kindMeta   = "s3/meta"
	kindData   = "s3/data"
)

// Bucket is a bucket.
type Bucket struct {
	Name         string    `json:"name"`
	CreationDate time.Time `json:"created"`
	Region       string    `json:"region"`
}

// Object is an object's metadata.
type Object struct {
	Bucket       string            `json:"bucket"`
	Key          string            `json:"key"`
	Size         int64             `json:"size"`
	ETag         string            `json:"etag"`
	LastModified time.Time         `json:"lastModified"`
	ContentType  string            `json:"contentType,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
	// Checksum is the additional checksum (x-amz-checksum-*) the object was
	// stored with, if any.
	Checksum *Checksum `json:"checksum,omitempty"`
	// Segments hold the data (chunks.go); none: one kindData record, as
	// objects stored before chunking have.
	Segments []Segment `json:"segments,omitempty"`
}

// Service stores buckets and objects.
type Service struct {
	st     store.Store
	now    func() time.Time
	region string
}

// New returns a Service over st.
func New(st store.Store, region string, now func() time.Time) *Service {
	return &Service{st: st, now: now, region: region}
}

// CreateBucket creates a bucket owned by the account.
func (s *Service) CreateBucket(ctx context.Context, name string) error {
	if err := ValidateBucketName(name); err != nil {
		return err
	}
	if strings.HasPrefix(name, cloudFormationBuckets) {
		return awserr.New(BucketAlreadyExists, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.")
	}
	b, _ := json.Marshal(Bucket{Name: name, CreationDate: s.now(), Region: s.region})
	if err := s.st.Create(ctx, kindBucket, name, b); errors.Is(err, store.ErrConflict) {
		return awserr.New(BucketAlreadyOwnedByYou, "Your previous request to create the named bucket succeeded and you already own it.")
	} else if err != nil {
		return err
	}
	return nil
}

// HeadBucket reports whether a bucket exists.
func (s *Service) HeadBucket(ctx context.Context, name string) (Bucket, error) {
	var b Bucket
	v, err := s.st.Get(ctx, kindBucket, name)
	if errors.Is(err, store.ErrNotFound) {
		return b, awserr.New(NoSuchBucket, "The specified bucket does not exist")
	}
	if err != nil {
		return b, err
	}
	return b, json.Unmarshal(v, &b)
}

// ListBuckets lists every bucket.
func (s *Service) ListBuckets(ctx context.Context) ([]Bucket, error) {
	items, err := s.st.List(ctx, kindBucket, "")
	if err != nil {
		return nil, err
	}
	out := make([]Bucket, 0, len(items))
	for _, it := range items {
		var b Bucket
		if err := json.Unmarshal(it.Value, &b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// DeleteBucket removes an empty bucket.
func (s *Service) DeleteBucket(ctx context.Context, name string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Get(ctx, kindBucket, name); errors.Is(err, store.ErrNotFound) {
			return awserr.New(NoSuchBucket, "The specified bucket does not exist")
		}
		objs, err := tx.List(ctx, kindMeta, name+"/")
		if err != nil {
			return err
		}
		if len(objs) > 0 {
			return awserr.New(BucketNotEmpty, "The bucket you tried to delete is not empty")
		}
		if err := tx.Delete(ctx, kindPolicy, name); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return tx.Delete(ctx, kindBucket, name)
	})
}

// PutObject stores data under bucket/key, replacing any previous object.
func (s *Service) PutObject(ctx context.Context, bucket, key string, data []byte, contentType string, meta map[string]string) (Object, error) {
	sum := md5.Sum(data)
	return s.PutObjectETag(ctx, bucket, key, data, contentType, meta, `"`+hex.EncodeToString(sum[:])+`"`)
}

// PutObjectETag is PutObject with the ETag given: a completed multipart
// upload's ETag is the MD5 of its parts' MD5s and the part count, not the
// MD5 of the data.
func (s *Service) PutObjectETag(ctx context.Context, bucket, key string, data []byte, contentType string, meta map[string]string, etag string) (Object, error) {
	if err := ValidateKey(key); err != nil {
		return Object{}, err
	}
	if _, err := s.HeadBucket(ctx, bucket); err != nil {
		return Object{}, err
	}
	seg, _, err := s.Stage(ctx, bytes.NewReader(data))
	if err != nil {
		return Object{}, err
	}
	o, err := s.Commit(ctx, bucket, key, []Segment{seg}, etag, contentType, meta, nil)
	if err != nil {
		s.Drop(context.WithoutCancel(ctx), seg)
	}
	return o, err
}

// HeadObject returns an object's metadata.
func (s *Service) HeadObject(ctx context.Context, bucket, key string) (Object, error) {
	var o Object
	if _, err := s.HeadBucket(ctx, bucket); err != nil {
		return o, err
	}
	v, err := s.st.Get(ctx, kindMeta, bucket+"/"+key)
	if errors.Is(err, store.ErrNotFound) {
		return o, awserr.New(NoSuchKey, "The specified key does not exist.")
	}
	if err != nil {
		return o, err
	}
	return o, json.Unmarshal(v, &o)
}

// GetObject returns an object's metadata and content, read into memory
// (templates, includes, function code); ReadObject streams.
func (s *Service) GetObject(ctx context.Context, bucket, key string) (Object, []byte, error) {
	o, err := s.HeadObject(ctx, bucket, key)
	if err != nil {
		return o, nil, err
	}
	var buf bytes.Buffer
	buf.Grow(int(o.Size))
	if err := s.ReadObject(ctx, o, 0, -1, &buf); err != nil {
		return o, nil, err
	}
	return o, buf.Bytes(), nil
}

// DeleteObject removes an object; deleting a missing key succeeds, as in S3.
func (s *Service) DeleteObject(ctx context.Context, bucket, key string) error {
	if _, err := s.HeadBucket(ctx, bucket); err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx store.Tx) error {
		if err := deleteData(ctx, tx, bucket, key); err != nil {
			return err
		}
		if err := tx.Delete(ctx, kindMeta, bucket+"/"+key); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	})
}

// ListObjects lists a bucket's objects whose key starts with prefix.
func (s *Service) ListObjects(ctx context.Context, bucket, prefix string) ([]Object, error) {
	if _, err := s.HeadBucket(ctx, bucket); err != nil {
		return nil, err
	}
	items, err := s.st.List(ctx, kindMeta, bucket+"/"+prefix)
	if err != nil {
		return nil, err
	}
	out := make([]Object, 0, len(items))
	for _, it := range items {
		var o Object
		if err := json.Unmarshal(it.Value, &o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// ParseLocation splits "s3://bucket/key" (or an https S3 URL) into bucket and key.
func ParseLocation(loc string) (bucket, key string, ok bool) {
	if rest, found := strings.CutPrefix(loc, "s3://"); found {
		b, k, _ := strings.Cut(rest, "/")
		return b, k, b != "" && k != ""
	}
	u, err := url.Parse(loc)
	if err != nil || u.Host == "" {
		return "", "", false
	}
	path := strings.TrimPrefix(u.Path, "/")
	if h, found := strings.CutSuffix(u.Host, ".amazonaws.com"); found && strings.Contains(h, ".s3") {
		b := h[:strings.Index(h, ".s3")]
		return b, path, b != "" && path != ""
	}
	b, k, _ := strings.Cut(path, "/")
	return b, k, b != "" && k != ""
}

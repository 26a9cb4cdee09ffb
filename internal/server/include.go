package server

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/s3"
)

// includes loads AWS::Include locations and template URLs from iamgate's S3.
// In `up`, a missing object falls back to the file of the same name beside
// the template, which is then stored at that location so later deploys find it.
type includes struct {
	objects     *s3.Service
	fallbackDir string
	notice      func(string)
}

func (l *includes) LoadInclude(ctx context.Context, loc string) ([]byte, error) {
	bucket, key, ok := s3.ParseLocation(loc)
	if !ok {
		return nil, fmt.Errorf("%s is not an S3 location", loc)
	}
	_, data, err := l.objects.GetObject(ctx, bucket, key)
	if err == nil {
		return data, nil
	}
	if l.fallbackDir == "" || !(awserr.Is(err, s3.NoSuchKey) || awserr.Is(err, s3.NoSuchBucket)) {
		return nil, err
	}
	local := filepath.Join(l.fallbackDir, path.Base(key))
	data, ferr := os.ReadFile(local)
	if ferr != nil {
		return nil, err
	}
	if err := l.objects.CreateBucket(ctx, bucket); err != nil && !awserr.Is(err, s3.BucketAlreadyOwnedByYou) {
		return nil, err
	}
	if _, err := l.objects.PutObject(ctx, bucket, key, data, "application/octet-stream", nil); err != nil {
		return nil, err
	}
	if l.notice != nil {
		l.notice(fmt.Sprintf("%s was not in iamgate's S3: using %s and storing it there", loc, local))
	}
	return data, nil
}

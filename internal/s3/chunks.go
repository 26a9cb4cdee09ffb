package s3

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// Object data is stored in chunks of chunkSize bytes, each its own record,
// so that neither an upload nor a download holds an object in memory: a
// 5 GB PUT streams through one chunk at a time.
const (
	kindChunk = "s3/chunk"
	chunkSize = 1 << 20
)

// Segment is data stored as chunks under one id: a whole object, or one
// part of a multipart upload. An object is the concatenation of its
// segments.
type Segment struct {
	ID     string `json:"id"`
	Chunks int    `json:"chunks"`
	Size   int64  `json:"size"`
}

func chunkKey(id string, i int) string { return fmt.Sprintf("%s/%08d", id, i) }

func newSegmentID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Stage reads r to EOF into a new segment and returns it with the MD5 of
// the data. Each chunk is written on its own, so a slow upload holds no
// store lock; nothing is visible until Commit names the segment. When
// reading fails (a bad chunk signature, a payload hash mismatch, a body
// over its cap, a dropped connection) the chunks written are removed and
// the read error returned.
func (s *Service) Stage(ctx context.Context, r io.Reader) (Segment, [md5.Size]byte, error) {
	seg := Segment{ID: newSegmentID()}
	h := md5.New()
	buf := make([]byte, chunkSize)
	for {
		n, err := fill(r, buf)
		if n > 0 {
			h.Write(buf[:n])
			if perr := s.st.Put(ctx, kindChunk, chunkKey(seg.ID, seg.Chunks), buf[:n]); perr != nil {
				s.Drop(context.WithoutCancel(ctx), seg)
				return Segment{}, [md5.Size]byte{}, perr
			}
			seg.Chunks++
			seg.Size += int64(n)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			s.Drop(context.WithoutCancel(ctx), seg)
			return Segment{}, [md5.Size]byte{}, err
		}
	}
	var sum [md5.Size]byte
	copy(sum[:], h.Sum(nil))
	return seg, sum, nil
}

// fill reads into buf until it is full or r fails; io.EOF is the only
// clean end (net/http reports a body cut short as io.ErrUnexpectedEOF,
// which io.ReadFull would hide).
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Drop removes segments' chunks: a staged upload that was refused,
// replaced or aborted.
func (s *Service) Drop(ctx context.Context, segs ...Segment) error {
	return s.st.Update(ctx, func(tx store.Tx) error { return dropChunks(ctx, tx, segs) })
}

func dropChunks(ctx context.Context, tx store.Tx, segs []Segment) error {
	for _, seg := range segs {
		for i := range seg.Chunks {
			if err := tx.Delete(ctx, kindChunk, chunkKey(seg.ID, i)); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
	}
	return nil
}

// Commit makes segs, in order, the object bucket/key with the given ETag,
// replacing (and deleting the data of) any previous object, in one
// transaction. sum is the object's additional checksum, if any.
func (s *Service) Commit(ctx context.Context, bucket, key string, segs []Segment, etag, contentType string, meta map[string]string, sum *Checksum) (Object, error) {
	if err := ValidateKey(key); err != nil {
		return Object{}, err
	}
	o := Object{Bucket: bucket, Key: key, ETag: etag, LastModified: s.now().UTC().Truncate(time.Second),
		ContentType: contentType, Metadata: meta, Segments: segs, Checksum: sum}
	for _, seg := range segs {
		o.Size += seg.Size
	}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Get(ctx, kindBucket, bucket); errors.Is(err, store.ErrNotFound) {
			return awserr.New(NoSuchBucket, "The specified bucket does not exist")
		} else if err != nil {
			return err
		}
		if err := deleteData(ctx, tx, bucket, key); err != nil {
			return err
		}
		mb, _ := json.Marshal(o)
		return tx.Put(ctx, kindMeta, bucket+"/"+key, mb)
	})
	return o, err
}

// deleteData removes the data of the current object at bucket/key, if any:
// its chunks, or the single record objects had before chunking.
func deleteData(ctx context.Context, tx store.Tx, bucket, key string) error {
	v, err := tx.Get(ctx, kindMeta, bucket+"/"+key)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var old Object
	if err := json.Unmarshal(v, &old); err != nil {
		return err
	}
	if err := dropChunks(ctx, tx, old.Segments); err != nil {
		return err
	}
	if err := tx.Delete(ctx, kindData, bucket+"/"+key); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// ReadObject writes n bytes of o's data from offset off to w, a chunk at
// a time (n < 0: to the end).
func (s *Service) ReadObject(ctx context.Context, o Object, off, n int64, w io.Writer) error {
	if n < 0 || off+n > o.Size {
		n = o.Size - off
	}
	if len(o.Segments) == 0 { // stored before chunking
		data, err := s.st.Get(ctx, kindData, o.Bucket+"/"+o.Key)
		if errors.Is(err, store.ErrNotFound) {
			return awserr.New(NoSuchKey, "The specified key does not exist.")
		}
		if err != nil {
			return err
		}
		if off > int64(len(data)) || off+n > int64(len(data)) {
			return fmt.Errorf("s3: object %s/%s shorter than its size", o.Bucket, o.Key)
		}
		_, err = w.Write(data[off : off+n])
		return err
	}
	for _, seg := range o.Segments {
		if n <= 0 {
			return nil
		}
		if off >= seg.Size {
			off -= seg.Size
			continue
		}
		for i := int(off / chunkSize); i < seg.Chunks && n > 0; i++ {
			data, err := s.st.Get(ctx, kindChunk, chunkKey(seg.ID, i))
			if err != nil {
				return fmt.Errorf("s3: object %s/%s: %w", o.Bucket, o.Key, err)
			}
			start := off - int64(i)*chunkSize
			if start < 0 {
				start = 0
			}
			end := min(int64(len(data)), start+n)
			if _, err := w.Write(data[start:end]); err != nil {
				return err
			}
			n -= end - start
		}
		off = 0
	}
	return nil
}

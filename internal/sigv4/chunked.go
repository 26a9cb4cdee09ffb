package sigv4

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"strconv"
	"strings"
)

// maxChunk bounds one aws-chunked chunk: each chunk is held in memory until
// its signature is checked, so no unverified byte reaches the caller. The
// SDKs use 64 KiB chunks; S3 itself caps chunks well below this.
const maxChunk = 16 << 20

// maxTrailer bounds the trailer section of an aws-chunked body.
const maxTrailer = 64 << 10

// NewChunkReader decodes an aws-chunked body (S3's streaming uploads,
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html) and
// yields the payload. seed is the Result of verifying the request's headers;
// its PayloadHash selects the format:
//
//   - STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk carries
//     ";chunk-signature=", chained from the seed signature;
//   - STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: the same, then trailing
//     headers signed by x-amz-trailer-signature;
//   - STREAMING-UNSIGNED-PAYLOAD-TRAILER: plain chunks, unsigned trailers.
//
// A chunk whose signature does not match fails Read with an *Error
// (SignatureMismatch); malformed framing or a truncated body with an *Error
// (BadChunk). Trailers are read and checked but not interpreted (checksums
// are the caller's business: see Trailers).
func NewChunkReader(body io.Reader, seed *Result) *ChunkReader {
	return &ChunkReader{
		br:      bufio.NewReader(body),
		seed:    seed,
		prev:    seed.Signature,
		signed:  seed.PayloadHash == StreamingPayload || seed.PayloadHash == StreamingPayloadTrail,
		trailer: seed.PayloadHash == StreamingPayloadTrail || seed.PayloadHash == StreamingUnsignedTrail,
	}
}

// ChunkReader is the io.Reader NewChunkReader returns.
type ChunkReader struct {
	br       *bufio.Reader
	seed     *Result
	prev     string // previous signature in the chain
	signed   bool
	trailer  bool
	buf      []byte // verified bytes of the current chunk not yet returned
	done     bool
	err      error
	trailers []string // "name:value" lines received
}

// Trailers returns the trailing headers ("name:value") once Read has
// returned io.EOF.
func (c *ChunkReader) Trailers() []string { return c.trailers }

// Read implements io.Reader.
func (c *ChunkReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		if c.done {
			return 0, io.EOF
		}
		c.err = c.nextChunk()
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

func badChunk(msg string) *Error { return &Error{Reason: BadChunk, Message: msg} }

// nextChunk reads, verifies and buffers one chunk; a zero-size chunk ends
// the body (then trailers, if any).
func (c *ChunkReader) nextChunk() error {
	size, sig, err := c.readChunkHeader()
	if err != nil {
		return err
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(c.br, data); err != nil {
		return badChunk("The request body terminated unexpectedly")
	}
	if c.signed {
		if err := c.verify(sig, data); err != nil {
			return err
		}
	}
	if size == 0 {
		c.done = true
		return c.finish()
	}
	if err := c.expectCRLF(); err != nil {
		return err
	}
	c.buf = data
	return nil
}

// readChunkHeader parses "<hex size>[;chunk-signature=<sig>]\r\n".
func (c *ChunkReader) readChunkHeader() (int, string, error) {
	line, err := c.readLine(4096)
	if err != nil {
		return 0, "", err
	}
	sizeStr, ext, hasExt := strings.Cut(line, ";")
	size, perr := strconv.ParseUint(strings.TrimSpace(sizeStr), 16, 31)
	if perr != nil || size > maxChunk {
		return 0, "", badChunk("Invalid chunk size: '" + sizeStr + "'")
	}
	var sig string
	if hasExt {
		k, v, _ := strings.Cut(ext, "=")
		if strings.TrimSpace(k) != "chunk-signature" {
			return 0, "", badChunk("Invalid chunk extension")
		}
		sig = strings.TrimSpace(v)
	}
	if c.signed && sig == "" {
		return 0, "", badChunk("Missing chunk signature")
	}
	return int(size), sig, nil
}

func (c *ChunkReader) readLine(max int) (string, error) {
	var b []byte
	for {
		frag, err := c.br.ReadSlice('\n')
		b = append(b, frag...)
		if len(b) > max {
			return "", badChunk("Chunk header too long")
		}
		if err == nil {
			break
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return "", badChunk("The request body terminated unexpectedly")
		}
	}
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		return "", badChunk("Chunk line does not end in CRLF")
	}
	return string(b[:len(b)-2]), nil
}

func (c *ChunkReader) expectCRLF() error {
	var crlf [2]byte
	if _, err := io.ReadFull(c.br, crlf[:]); err != nil || crlf != [2]byte{'\r', '\n'} {
		return badChunk("Chunk data does not end in CRLF")
	}
	return nil
}

// verify checks one chunk signature and advances the chain. The string to
// sign is AWS4-HMAC-SHA256-PAYLOAD, the time, the scope, the previous
// signature, the hash of no headers and the hash of the chunk data.
func (c *ChunkReader) verify(sig string, data []byte) error {
	sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + c.seed.SignedAt.Format(TimeFormat) + "\n" + c.scope() + "\n" +
		c.prev + "\n" + EmptySHA256 + "\n" + hashHex(data)
	want := Signature(c.seed.signingKey, sts)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return &Error{Reason: SignatureMismatch, StringToSign: sts, Message: msgMismatch}
	}
	c.prev = sig
	return nil
}

func (c *ChunkReader) scope() string {
	return c.seed.SignedAt.Format(DateFormat) + "/" + c.seed.Region + "/" + c.seed.Service + "/aws4_request"
}

// finish reads what follows the last chunk: CRLF, or trailers then CRLF.
func (c *ChunkReader) finish() error {
	total := 0
	var trailerSig string
	for {
		line, err := c.readLine(maxTrailer)
		if err != nil {
			return err
		}
		if line == "" {
			break
		}
		total += len(line)
		if !c.trailer || total > maxTrailer {
			return badChunk("Unexpected data after the final chunk")
		}
		if v, ok := strings.CutPrefix(line, "x-amz-trailer-signature:"); ok {
			trailerSig = strings.TrimSpace(v)
			continue
		}
		c.trailers = append(c.trailers, line)
	}
	if c.signed && c.trailer {
		return c.verifyTrailer(trailerSig)
	}
	return nil
}

// verifyTrailer checks x-amz-trailer-signature over the trailing headers,
// each written "name:value\n".
func (c *ChunkReader) verifyTrailer(sig string) error {
	var h hash.Hash = sha256.New()
	for _, t := range c.trailers {
		k, v, _ := strings.Cut(t, ":")
		h.Write([]byte(strings.ToLower(strings.TrimSpace(k)) + ":" + strings.TrimSpace(v) + "\n"))
	}
	sts := "AWS4-HMAC-SHA256-TRAILER\n" + c.seed.SignedAt.Format(TimeFormat) + "\n" + c.scope() + "\n" +
		c.prev + "\n" + hex.EncodeToString(h.Sum(nil))
	if !hmac.Equal([]byte(Signature(c.seed.signingKey, sts)), []byte(sig)) {
		return &Error{Reason: SignatureMismatch, StringToSign: sts, Message: msgMismatch}
	}
	return nil
}

// hashCheckReader passes a body through and, at EOF, fails with
// BadPayloadHash if its SHA-256 is not the claimed one.
type hashCheckReader struct {
	r       io.ReadCloser
	h       hash.Hash
	claimed string
}

func newHashCheckReader(r io.ReadCloser, claimed string) io.ReadCloser {
	return &hashCheckReader{r: r, h: sha256.New(), claimed: claimed}
}

func (h *hashCheckReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	if errors.Is(err, io.EOF) {
		if got := hex.EncodeToString(h.h.Sum(nil)); !strings.EqualFold(got, h.claimed) {
			return n, badHash(h.claimed, got)
		}
	}
	return n, err
}

func (h *hashCheckReader) Close() error { return h.r.Close() }
